import type { AppServices } from '../services.js';

export interface RouteOptions {
  services: AppServices;
}
