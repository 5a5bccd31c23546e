import { createApp } from 'vue';

import { authSession } from './auth/auth-session';
import { initTheme } from './composables/useTheme';
import AppShell from './layout/AppShell.vue';
import { createConsoleRouter } from './router';
import './styles.css';

initTheme();

const router = createConsoleRouter(authSession);
const app = createApp(AppShell);
app.use(router);

// Mounting after the first navigation means the shell never renders a page
// before the guard has decided whether the user is signed in.
void router.isReady().then(() => app.mount('#app'));
