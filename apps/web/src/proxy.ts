import { NextResponse, type NextRequest } from "next/server";

/**
 * Tells the dashboard's layout which page was asked for (layouts do not see the
 * URL), so a signed-out visit can come back to it after signing in. The session
 * itself is checked by the layout, on the server, for every page.
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-lgrs-path", request.nextUrl.pathname + request.nextUrl.search);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // pages only: not the APIs, not static files
  matcher: ["/((?!api/|_next/|icon.svg|favicon.ico).*)"],
};
