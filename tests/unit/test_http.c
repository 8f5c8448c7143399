/* test_http.c - the listener's pure parts: the token compare, the listen
 * address, the token file's mode; libmicrohttpd loaded on first use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "http.h"
#include "mhd_load.h"

static void test_token_equal(void **state)
{
	(void)state;
	assert_true(http_token_equal("s3cret", 6, "s3cret", 6));
	assert_false(http_token_equal("s3cret", 6, "s3creT", 6));
	assert_false(http_token_equal("s3cre", 5, "s3cret", 6));     /* a prefix */
	assert_false(http_token_equal("s3cret!", 7, "s3cret", 6));   /* longer */
	assert_false(http_token_equal("", 0, "s3cret", 6));
	assert_true(http_token_equal("", 0, "", 0));
	/* a NUL inside does not end the compare */
	assert_false(http_token_equal("ab\0d", 4, "ab\0c", 4));
}

/* Whether libmicrohttpd is mapped in this process. */
static bool mhd_mapped(void)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/self/maps", "r");
	assert_non_null(f);
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, "libmicrohttpd") != NULL;
	fclose(f);
	return found;
}

/* Not there until the first listener asks for it; then every function. */
static void test_mhd_load(void **state)
{
	char *cause = NULL;
	(void)state;
	assert_false(mhd_mapped());
	const struct mhd_api *a = mhd_load(&cause);
	assert_non_null(a);
	assert_null(cause);
	assert_true(mhd_mapped());
	assert_non_null(a->start_daemon);
	assert_non_null(a->stop_daemon);
	assert_non_null(a->run);
	assert_non_null(a->get_timeout);
	assert_non_null(a->get_daemon_info);
	assert_non_null(a->create_response_from_buffer);
	assert_non_null(a->add_response_header);
	assert_non_null(a->queue_response);
	assert_non_null(a->destroy_response);
	assert_non_null(a->lookup_connection_value);
	assert_ptr_equal(mhd_load(&cause), a);     /* loaded once */
}

static void test_parse_listen(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	bool lo;
	char *cause = NULL;
	(void)state;
	assert_int_equal(http_parse_listen("127.0.0.1:9650", &ss, &len, &lo, &cause), 0);
	assert_true(lo);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(http_parse_listen("[::1]:9650", &ss, &len, &lo, &cause), 0);
	assert_true(lo);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(http_parse_listen("*:9650", &ss, &len, &lo, &cause), 0);
	assert_false(lo);
	assert_int_equal(http_parse_listen("10.1.2.3:80", &ss, &len, &lo, &cause), 0);
	assert_false(lo);
	assert_int_equal(http_parse_listen("[::]:80", &ss, &len, &lo, &cause), 0);
	assert_false(lo);
	static const char *const bad[] = { "9650", "localhost:9650", "127.0.0.1:", "1.2.3.4:70000",
		"::1:9650", "[::1]9650", "127.0.0.1:12x" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(http_parse_listen(bad[i], &ss, &len, &lo, &cause), -1);
		assert_non_null(cause);
		free(cause);
	}
}

static void test_token_file_mode(void **state)
{
	char path[] = "/tmp/ccboard-token-XXXXXX";
	int fd = mkstemp(path);
	char *cause = NULL;
	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "tok en\r\nnext\n", 13), 13);
	close(fd);
	chmod(path, 0600);
	char *t = http_read_token(path, &cause);
	assert_non_null(t);
	assert_string_equal(t, "tok en");
	free(t);
	chmod(path, 0640);
	assert_null(http_read_token(path, &cause));
	assert_non_null(strstr(cause, "chmod 600"));
	free(cause);
	cause = NULL;
	chmod(path, 0600);
	truncate(path, 0);
	assert_null(http_read_token(path, &cause));
	assert_non_null(strstr(cause, "empty"));
	free(cause);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_equal),
		cmocka_unit_test(test_mhd_load),
		cmocka_unit_test(test_parse_listen),
		cmocka_unit_test(test_token_file_mode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
