import { createApp } from 'vue';

import AppShell from './AppShell.vue';
import './styles.css';

createApp(AppShell).mount('#app');
