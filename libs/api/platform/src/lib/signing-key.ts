import { createPrivateKey, KeyObject } from 'node:crypto';
import { registerDecorator, ValidationOptions } from 'class-validator';

/** An Ed25519 private key, PKCS#8, from PEM or from the base64 of its DER; throws on anything else. */
export function parseEd25519PrivateKey(text: string): KeyObject {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----BEGIN')
    ? createPrivateKey(trimmed)
    : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
  }
  return key;
}

/** Configuration that must be an Ed25519 private key (checked by parsing it, as its user will). */
export function IsEd25519PrivateKey(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isEd25519PrivateKey',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an Ed25519 private key: PKCS#8 PEM, or the base64 of its DER`,
        ...options,
      },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') return false;
          try {
            parseEd25519PrivateKey(value);
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}
