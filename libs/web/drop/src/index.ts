export * from './lib/web-drop/web-drop';
