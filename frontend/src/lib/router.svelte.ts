// The current route, as reactive state that follows the location hash.
import { parseHash, type Route } from './routes';

class Router {
  route: Route = $state(parseHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => {
      this.route = parseHash(window.location.hash);
    });
  }

  /** Goes to a hash path such as "#/meetings"; replace keeps history clean. */
  go(hash: string, { replace = false } = {}): void {
    if (replace) {
      history.replaceState(history.state, '', hash);
      this.route = parseHash(hash);
    } else {
      window.location.hash = hash;
    }
  }
}

export const router = new Router();
