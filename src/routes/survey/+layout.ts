// The form talks to the server over tRPC from the browser and keeps answers in sessionStorage.
export const ssr = false;
