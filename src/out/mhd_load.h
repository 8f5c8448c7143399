/* mhd_load.h - libmicrohttpd, loaded when the first HTTP listener starts.
 *
 * Linked in, libmicrohttpd brings its TLS stack (gnutls, p11-kit, nettle,
 * gmp, ...) into every board, relocated and initialised at start: ~2.8 MB
 * of resident memory for a board that serves nothing over HTTP (the most:
 * a screen, a --json pipe). Loaded here, only an [http] listener pays it.
 * The functions are libmicrohttpd's own, through pointers of their exact
 * types (the header's). */
#ifndef CCBOARD_MHD_LOAD_H
#define CCBOARD_MHD_LOAD_H

#include <microhttpd.h>

struct mhd_api {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_run) *run;
	__typeof__(MHD_get_timeout) *get_timeout;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
};

/* The library's functions, loaded on the first call (kept loaded); NULL with
 * *cause (malloc'ed) when it cannot be loaded. */
const struct mhd_api *mhd_load(char **cause);

#endif
