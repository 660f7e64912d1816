"""The product's URLs and one more that fails, for the tests of the 500 page."""

from django.urls import path

from navigator import urls


def fail(request):
    raise RuntimeError("A failure made by the test of the 500 page.")


urlpatterns = [path("test-failure/", fail), *urls.urlpatterns]
handler400, handler404, handler500 = urls.handler400, urls.handler404, urls.handler500
