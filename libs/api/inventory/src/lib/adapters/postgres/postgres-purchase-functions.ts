// The PL/pgSQL purchase functions the migrations install (postgres-schema.ts): shipped versions
// are never edited, a change is a new migration.

/**
 * A purchase as ONE call: key, product, rules, limit, stock, then key, decrement, buyer total and
 * order, in the order the port fixes. Answers with one row: `outcome` is SOLD, REPLAYED or a
 * rejection code; `available` the units left (for REPLAYED: as first answered).
 *
 * It decides on a plain snapshot first, so a rejection — most of a drop's traffic once it sells
 * out — neither locks nor writes. An attempt that would sell then either runs the conditional
 * UPDATE (no key, no limit: the hot path, one statement) or, when a key or a limit must be checked
 * together with the decrement, locks the row and decides again: every sale of a product writes
 * buyer_totals and its key while holding that row lock, so under it each statement's fresh
 * snapshot (READ COMMITTED) sees every earlier sale. A key that a sale of ANOTHER product is
 * storing at the same moment is caught by the key's primary key (the insert waits, then yields).
 */
export const PURCHASE_FUNCTION = `
   CREATE FUNCTION gtd_purchase(
     p_product_id bigint, p_quantity integer, p_buyer_id uuid, p_scope text, p_key text,
     p_fingerprint text, p_now timestamptz, p_key_ttl interval, p_order_id uuid,
     OUT outcome text, OUT available integer, OUT order_id uuid, OUT created_at timestamptz,
     OUT bought integer, OUT starts_at timestamptz, OUT ends_at timestamptz, OUT paused boolean,
     OUT per_buyer_limit integer)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     v_key idempotency_keys%ROWTYPE;
     v_product products%ROWTYPE;
     v_locked boolean := false;
     v_races integer := 0;
   BEGIN
     IF p_key IS NOT NULL THEN
       SELECT * INTO v_key FROM idempotency_keys k
        WHERE k.scope = p_scope AND k.key = p_key AND k.created_at > p_now - p_key_ttl;
     END IF;
     <<decide>>
     LOOP
       IF v_key.order_id IS NOT NULL THEN
         IF v_key.fingerprint <> p_fingerprint THEN
           outcome := 'IDEMPOTENCY_KEY_MISMATCH';
           SELECT p.available INTO available FROM products p WHERE p.id = p_product_id;
           available := coalesce(available, 0);
         ELSE
           outcome := 'REPLAYED';
           order_id := v_key.order_id;
           available := v_key.remaining;
           SELECT o.created_at INTO created_at FROM orders o WHERE o.id = v_key.order_id;
         END IF;
         RETURN;
       END IF;

       IF v_locked THEN
         SELECT * INTO v_product FROM products p WHERE p.id = p_product_id FOR NO KEY UPDATE;
       ELSE
         SELECT * INTO v_product FROM products p WHERE p.id = p_product_id;
       END IF;
       IF NOT FOUND THEN
         outcome := 'PRODUCT_NOT_FOUND';
         available := 0;
         RETURN;
       END IF;
       available := v_product.available;
       starts_at := v_product.starts_at;
       ends_at := v_product.ends_at;
       paused := v_product.paused;
       per_buyer_limit := v_product.per_buyer_limit;
       IF v_product.paused THEN
         outcome := 'PAUSED';
         RETURN;
       ELSIF p_now < v_product.starts_at THEN
         outcome := 'NOT_STARTED';
         RETURN;
       ELSIF p_now >= v_product.ends_at THEN
         outcome := 'ENDED';
         RETURN;
       END IF;
       IF v_product.per_buyer_limit IS NOT NULL THEN
         IF p_buyer_id IS NULL THEN
           outcome := 'AUTH_REQUIRED';
           RETURN;
         END IF;
         -- Unlocked, this may miss a concurrent sale; but a total only grows, so a LIMIT_REACHED
         -- seen here is final, and a pass is checked again under the lock.
         SELECT coalesce(max(t.quantity), 0) INTO bought FROM buyer_totals t
          WHERE t.product_id = p_product_id AND t.buyer_id = p_buyer_id;
         IF bought + p_quantity > v_product.per_buyer_limit THEN
           outcome := 'LIMIT_REACHED';
           RETURN;
         END IF;
       END IF;
       IF v_product.available = 0 THEN
         outcome := 'SOLD_OUT';
         RETURN;
       ELSIF v_product.available < p_quantity THEN
         outcome := 'INSUFFICIENT_STOCK';
         RETURN;
       END IF;

       IF v_locked THEN
         IF p_key IS NOT NULL THEN
           -- Stored before the decrement: losing the race to a concurrent request with this key
           -- (it holds another product's lock) leaves nothing to undo; its answer is replayed.
           INSERT INTO idempotency_keys AS k (scope, key, fingerprint, order_id, remaining, created_at)
           VALUES (p_scope, p_key, p_fingerprint, p_order_id, v_product.available - p_quantity, p_now)
           ON CONFLICT (scope, key) DO UPDATE
             SET fingerprint = excluded.fingerprint, order_id = excluded.order_id,
                 remaining = excluded.remaining, created_at = excluded.created_at
             WHERE k.created_at <= p_now - p_key_ttl;
           IF NOT FOUND THEN
             SELECT * INTO v_key FROM idempotency_keys k WHERE k.scope = p_scope AND k.key = p_key;
             CONTINUE decide;
           END IF;
         END IF;
         UPDATE products p SET available = p.available - p_quantity WHERE p.id = p_product_id
         RETURNING p.available INTO available;
         EXIT decide;
       ELSIF p_key IS NULL AND v_product.per_buyer_limit IS NULL THEN
         -- The hot path. A buyer that waited for the row lock has these conditions checked again
         -- against the committed row, so two can never take the last unit.
         UPDATE products p SET available = p.available - p_quantity
          WHERE p.id = p_product_id AND p.available >= p_quantity AND NOT p.paused
            AND (p.starts_at IS NULL OR p.starts_at <= p_now) AND (p.ends_at IS NULL OR p_now < p.ends_at)
            AND p.per_buyer_limit IS NULL
         RETURNING p.available INTO available;
         EXIT decide WHEN FOUND;
         -- Another sale or an operator got there first: decide again on a fresh snapshot, and
         -- under the lock should that keep happening.
         v_races := v_races + 1;
         v_locked := v_races >= 3;
       ELSE
         v_locked := true;
       END IF;
     END LOOP;

     IF p_buyer_id IS NOT NULL THEN
       INSERT INTO buyer_totals AS t (product_id, buyer_id, quantity)
       VALUES (p_product_id, p_buyer_id, p_quantity)
       ON CONFLICT (product_id, buyer_id) DO UPDATE SET quantity = t.quantity + excluded.quantity;
     END IF;
     INSERT INTO orders (id, product_id, quantity, buyer_id, created_at)
     VALUES (p_order_id, p_product_id, p_quantity, p_buyer_id, p_now);
     outcome := 'SOLD';
     order_id := p_order_id;
     created_at := p_now;
   END
   $fn$;`;

/**
 * Many purchases as ONE call and one transaction, each decided in arrival order exactly as
 * `gtd_purchase` decides one — key, product, rules, limit, stock, then key, decrement, buyer total
 * and order, in the order the port fixes — and answered with one row each, in order. Each buyer
 * sees every earlier buyer's sale: the same key twice in a batch replays the first's order, a
 * limit counts the batch's own sales (buyer_totals is written per sale), stock is kept per
 * product as the batch sells it.
 *
 * The products that some purchase of the batch may sell, on a plain snapshot, are locked first, in
 * id order: two batches (two processes) touching several products take their locks in the same
 * order, so they never deadlock on them, and each product row is read once, under its lock, and
 * written once at the end (one UPDATE per product, not per sale: a row updated again and again in
 * one transaction leaves a chain of versions every later read walks; `CHECK (available >= 0)`
 * still guards the result). Orders are inserted together at the end too. A batch that sells
 * nothing (a sold-out crowd) locks and writes nothing. Should a restock between the snapshot and a
 * purchase make it sell after all, that row is locked then and the purchase decided again; the
 * only cycles left (that lock, or two batches' idempotency keys waiting on each other) end in a
 * deadlock error that rolls the whole batch back, and the caller sends it again.
 */
export const PURCHASE_BATCH_FUNCTION = `
   CREATE FUNCTION gtd_purchase_batch(
     p_product_ids bigint[], p_quantities integer[], p_buyer_ids uuid[], p_scopes text[],
     p_keys text[], p_fingerprints text[], p_nows timestamptz[], p_key_ttl interval,
     p_order_ids uuid[])
   RETURNS TABLE (outcome text, available integer, order_id uuid, created_at timestamptz,
     bought integer, starts_at timestamptz, ends_at timestamptz, paused boolean,
     per_buyer_limit integer)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     v_locked bigint[];
     -- The products read so far: row (its rules), units left as this batch sold them, any sold.
     v_ids bigint[] := '{}';
     v_rows products[] := '{}';
     v_left integer[] := '{}';
     v_sold boolean[] := '{}';
     v_at integer;
     -- The orders sold, inserted together at the end.
     o_ids uuid[] := '{}';
     o_products bigint[] := '{}';
     o_quantities integer[] := '{}';
     o_buyers uuid[] := '{}';
     o_times timestamptz[] := '{}';
     v_product products%ROWTYPE;
     v_key idempotency_keys%ROWTYPE;
     v_quantity integer;
     v_buyer uuid;
     v_now timestamptz;
   BEGIN
     -- Over-approximates "may sell" (a live key would replay): it only decides what to lock.
     SELECT coalesce(array_agg(DISTINCT p.id), '{}') INTO v_locked
       FROM unnest(p_product_ids, p_quantities, p_buyer_ids, p_nows) AS c(product_id, quantity, buyer_id, now)
       JOIN products p ON p.id = c.product_id
      WHERE NOT p.paused AND p.available >= c.quantity
        AND (p.starts_at IS NULL OR p.starts_at <= c.now) AND (p.ends_at IS NULL OR c.now < p.ends_at)
        AND (p.per_buyer_limit IS NULL
             OR (c.buyer_id IS NOT NULL
                 AND c.quantity + coalesce((SELECT t.quantity FROM buyer_totals t
                                             WHERE t.product_id = p.id AND t.buyer_id = c.buyer_id), 0)
                     <= p.per_buyer_limit));
     IF cardinality(v_locked) > 0 THEN
       PERFORM 1 FROM products p WHERE p.id = ANY (v_locked) ORDER BY p.id FOR NO KEY UPDATE;
     END IF;

     FOR i IN 1 .. coalesce(array_length(p_product_ids, 1), 0) LOOP
       v_quantity := p_quantities[i];
       v_buyer := p_buyer_ids[i];
       v_now := p_nows[i];
       outcome := NULL; available := 0; order_id := NULL; created_at := NULL; bought := NULL;
       starts_at := NULL; ends_at := NULL; paused := NULL; per_buyer_limit := NULL;
       v_key := NULL;
       IF p_keys[i] IS NOT NULL THEN
         SELECT * INTO v_key FROM idempotency_keys k
          WHERE k.scope = p_scopes[i] AND k.key = p_keys[i] AND k.created_at > v_now - p_key_ttl;
       END IF;
       <<decide>>
       LOOP
         v_at := array_position(v_ids, p_product_ids[i]);
         IF v_key.order_id IS NOT NULL THEN
           IF v_key.fingerprint <> p_fingerprints[i] THEN
             outcome := 'IDEMPOTENCY_KEY_MISMATCH';
             IF v_at IS NOT NULL THEN
               available := v_left[v_at];
             ELSE
               SELECT p.available INTO available FROM products p WHERE p.id = p_product_ids[i];
               available := coalesce(available, 0);
             END IF;
           ELSE
             outcome := 'REPLAYED';
             order_id := v_key.order_id;
             available := v_key.remaining;
             -- Sold earlier in this batch (not inserted yet), or stored.
             created_at := o_times[array_position(o_ids, v_key.order_id)];
             IF created_at IS NULL THEN
               SELECT o.created_at INTO created_at FROM orders o WHERE o.id = v_key.order_id;
             END IF;
           END IF;
           EXIT decide;
         END IF;

         IF v_at IS NULL THEN
           SELECT * INTO v_product FROM products p WHERE p.id = p_product_ids[i];
           IF NOT FOUND THEN
             outcome := 'PRODUCT_NOT_FOUND';
             available := 0;
             EXIT decide;
           END IF;
           v_ids := v_ids || p_product_ids[i];
           v_rows := v_rows || v_product;
           v_left := v_left || v_product.available;
           v_sold := v_sold || false;
           v_at := cardinality(v_ids);
         ELSE
           v_product := v_rows[v_at];
         END IF;
         available := v_left[v_at];
         starts_at := v_product.starts_at;
         ends_at := v_product.ends_at;
         paused := v_product.paused;
         per_buyer_limit := v_product.per_buyer_limit;
         IF v_product.paused THEN
           outcome := 'PAUSED';
           EXIT decide;
         ELSIF v_now < v_product.starts_at THEN
           outcome := 'NOT_STARTED';
           EXIT decide;
         ELSIF v_now >= v_product.ends_at THEN
           outcome := 'ENDED';
           EXIT decide;
         END IF;
         IF v_product.per_buyer_limit IS NOT NULL THEN
           IF v_buyer IS NULL THEN
             outcome := 'AUTH_REQUIRED';
             EXIT decide;
           END IF;
           SELECT coalesce(max(t.quantity), 0) INTO bought FROM buyer_totals t
            WHERE t.product_id = p_product_ids[i] AND t.buyer_id = v_buyer;
           IF bought + v_quantity > v_product.per_buyer_limit THEN
             outcome := 'LIMIT_REACHED';
             EXIT decide;
           END IF;
         END IF;
         IF available = 0 THEN
           outcome := 'SOLD_OUT';
           EXIT decide;
         ELSIF available < v_quantity THEN
           outcome := 'INSUFFICIENT_STOCK';
           EXIT decide;
         END IF;

         IF NOT p_product_ids[i] = ANY (v_locked) THEN
           -- It sells after all (restocked since the snapshot): lock it, read it, decide again.
           -- Nothing of this batch sold it yet, since every sale happens under the lock.
           SELECT * INTO v_product FROM products p WHERE p.id = p_product_ids[i] FOR NO KEY UPDATE;
           v_locked := v_locked || p_product_ids[i];
           v_rows[v_at] := v_product;
           v_left[v_at] := v_product.available;
           bought := NULL;
           CONTINUE decide;
         END IF;
         IF p_keys[i] IS NOT NULL THEN
           -- Stored before the sale: losing the race to a concurrent request with this key (it
           -- holds another product's lock) leaves nothing to undo; its answer is replayed.
           INSERT INTO idempotency_keys AS k (scope, key, fingerprint, order_id, remaining, created_at)
           VALUES (p_scopes[i], p_keys[i], p_fingerprints[i], p_order_ids[i], available - v_quantity, v_now)
           ON CONFLICT (scope, key) DO UPDATE
             SET fingerprint = excluded.fingerprint, order_id = excluded.order_id,
                 remaining = excluded.remaining, created_at = excluded.created_at
             WHERE k.created_at <= v_now - p_key_ttl;
           IF NOT FOUND THEN
             SELECT * INTO v_key FROM idempotency_keys k WHERE k.scope = p_scopes[i] AND k.key = p_keys[i];
             bought := NULL;
             CONTINUE decide;
           END IF;
         END IF;
         available := available - v_quantity;
         v_left[v_at] := available;
         v_sold[v_at] := true;
         IF v_buyer IS NOT NULL THEN
           INSERT INTO buyer_totals AS t (product_id, buyer_id, quantity)
           VALUES (p_product_ids[i], v_buyer, v_quantity)
           ON CONFLICT (product_id, buyer_id) DO UPDATE SET quantity = t.quantity + excluded.quantity;
         END IF;
         o_ids := o_ids || p_order_ids[i];
         o_products := o_products || p_product_ids[i];
         o_quantities := o_quantities || v_quantity;
         o_buyers := o_buyers || v_buyer;
         o_times := o_times || v_now;
         outcome := 'SOLD';
         order_id := p_order_ids[i];
         created_at := v_now;
         EXIT decide;
       END LOOP;
       RETURN NEXT;
     END LOOP;

     UPDATE products p SET available = u.available
       FROM unnest(v_ids, v_left, v_sold) AS u(id, available, sold)
      WHERE p.id = u.id AND u.sold;
     INSERT INTO orders (id, product_id, quantity, buyer_id, created_at)
     SELECT * FROM unnest(o_ids, o_products, o_quantities, o_buyers, o_times);
   END
   $fn$;`;
