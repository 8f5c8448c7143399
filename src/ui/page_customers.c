/* page_customers.c - page 3, the customers (SPEC 6): pivots between channels,
 * the recent journeys and the callback list. */
#include "pages.h"

#include "draw_kit.h"

static void customers_draw(struct ui_view *v, const struct snapshot *s, struct rect body)
{
	(void)s;
	ui_section(v, body.y, body.x, body.w, "Customers", NULL);
}

const struct ui_page page_customers = {
	.name = "customers",
	.title = "Customers",
	.draw = customers_draw,
};
