// Where the dashboard's endpoints are. The Spring Boot starter serves its own config.js in place of this file with
// the configured analytics.dashboard.api-path; in any other container, edit this or serve your own.
window.ISKA_ANALYTICS = window.ISKA_ANALYTICS || {api: '/api/dashboard'};
