/** Version reported in the User-Agent of deliveries and by `pigeon --version`. */
export const PIGEON_VERSION = '0.1.0';
