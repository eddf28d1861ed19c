// The navigation drawer on narrow screens: the top bar's menu button opens it, the sidebar is the drawer.
class NavDrawer {
  open = $state(false);

  toggle() {
    this.open = !this.open;
  }

  close() {
    this.open = false;
  }
}

export const navDrawer = new NavDrawer();

/** the top bar's menu button: focus returns here when the drawer closes */
export const NAV_TOGGLE_ID = 'nav-toggle';
export const NAV_DRAWER_ID = 'app-sidebar';
