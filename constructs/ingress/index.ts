export * from "./nginx-ingress";
export * from "./options";
export { F5_NGINX_CHART } from "./f5-nginx";
export { INGRESS_NGINX_CHART } from "./ingress-nginx";
