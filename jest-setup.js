// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
// Combobox measures text on a canvas, which jsdom lacks.
import 'jest-canvas-mock';
