"""The example's pages: a visit counter kept in the session, and a health check."""
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render


def version_header(get_response):
    """Middleware: every response names the version that made it (X-App-Version)."""

    def middleware(request):
        response = get_response(request)
        response["X-App-Version"] = settings.APP_VERSION
        return response

    return middleware


def _count_visit(request):
    request.session["visits"] = request.session.get("visits", 0) + 1
    return request.session["visits"]


def index(request):
    """A page with the session's visits and the release's stylesheet (a fingerprinted name)."""
    visits = _count_visit(request)
    return render(request, "index.html", {"visits": visits, "version": settings.APP_VERSION})


def visits(request):
    """The same counter as JSON, for scripts and tests."""
    visits = _count_visit(request)
    return JsonResponse({"visits": visits, "version": settings.APP_VERSION})


def health(request):
    """200 once the database answers: the deploy's readiness gate then means something."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as e:  # any database failure means: do not send users here
        return HttpResponse("database: %s\n" % e, status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
