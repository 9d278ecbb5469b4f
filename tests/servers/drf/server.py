#!/usr/bin/python3
"""A Django REST framework API for Refetch's tests: users, posts and comments, seeded from a json-server db.json.

    /usr/bin/python3 server.py --seed /tmp/x/db.json [--paging page|limitoffset|cursor|none] [--hyperlinked]

It binds 127.0.0.1 on a port the OS picks, prints "Listening on http://127.0.0.1:PORT", then one line
"REQUEST <METHOD> <path-with-query>" for every request it reads. The data lives in a SQLite file next to the seed
(removed when it exits, SIGTERM and SIGINT included); every start begins again from the seed.

Debian 12's python3-django (3.2), python3-djangorestframework (3.14) and python3-django-filters (23.1), configured
in code and otherwise left at DRF's defaults: DefaultRouter, ModelViewSet, ModelSerializer, the JSON and browsable
renderers, SimpleMetadata for OPTIONS, DRF's own error bodies. Posts have a BigIntegerField, `counter` (0 unless the
seed says otherwise): a 64-bit integer that JavaScript clients would round beyond 2^53; and `meta`, a JSONField,
keeps any integer as Python does (12345678901234567890123 whole).
"""

import argparse
import atexit
import json
import os
import signal
import sys
import tempfile
import threading

import django
from django.conf import settings

PAGE_SIZE = 20
MAX_PAGE_SIZE = 1000

_print_lock = threading.Lock()


def say(line):
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True, help="db.json with users, posts and comments")
    parser.add_argument("--paging", choices=["page", "limitoffset", "cursor", "none"], default="page")
    # DRF's tutorial's serializers: HyperlinkedModelSerializer, each record with its own "url" beside its id, and a
    # post's userId and a comment's postId as the URLs of the records they point at (HyperlinkedRelatedField).
    parser.add_argument("--hyperlinked", action="store_true")
    return parser.parse_args()


ARGS = parse_args()
SEED_DIR = os.path.dirname(os.path.abspath(ARGS.seed))
_db_fd, DB_PATH = tempfile.mkstemp(prefix="drf-", suffix=".sqlite3", dir=SEED_DIR)
os.close(_db_fd)


@atexit.register
def remove_database():
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(DB_PATH + suffix)
        except FileNotFoundError:
            pass


PAGINATION_CLASSES = {
    "page": "__main__.PageNumberPaging",
    "limitoffset": "__main__.LimitOffsetPaging",
    "cursor": "__main__.CursorPaging",
    "none": None,
}

settings.configure(
    DEBUG=False,
    SECRET_KEY="refetch-tests-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF="__main__",
    USE_TZ=True,
    TIME_ZONE="UTC",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": DB_PATH, "OPTIONS": {"timeout": 20}}},
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.staticfiles",
        "rest_framework",
        "django_filters",
    ],
    # CommonMiddleware as in a new project: GET /posts answers 301 to /posts/. No sessions, so no CSRF checks.
    MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
                "OPTIONS": {"context_processors": ["django.template.context_processors.request"]}}],
    STATIC_URL="/static/",
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
        "DEFAULT_PAGINATION_CLASS": PAGINATION_CLASSES[ARGS.paging],
        "PAGE_SIZE": PAGE_SIZE if ARGS.paging != "none" else None,
        "DEFAULT_FILTER_BACKENDS": [
            "django_filters.rest_framework.DjangoFilterBackend",
            "rest_framework.filters.SearchFilter",
            "rest_framework.filters.OrderingFilter",
        ],
    },
    LOGGING={"version": 1, "disable_existing_loggers": False,
             "handlers": {"stderr": {"class": "logging.StreamHandler"}},
             "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}}},
)
django.setup()

from django.core.validators import MinValueValidator  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils.dateparse import parse_datetime  # noqa: E402
from rest_framework import pagination  # noqa: E402


class PageNumberPaging(pagination.PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class LimitOffsetPaging(pagination.LimitOffsetPagination):
    default_limit = PAGE_SIZE
    max_limit = MAX_PAGE_SIZE


class CursorPaging(pagination.CursorPagination):
    ordering = "id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


# After the pagination classes: generics reads DEFAULT_PAGINATION_CLASS when it is imported.
from rest_framework import routers, serializers, viewsets  # noqa: E402


class User(models.Model):
    name = models.CharField(max_length=200)
    active = models.BooleanField(default=True)

    class Meta:
        app_label = "api"
        db_table = "users"
        ordering = ["id"]


class Post(models.Model):
    userId = models.ForeignKey(User, db_column="userId", related_name="posts", on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    views = models.IntegerField(default=0, validators=[MinValueValidator(0)])
    published = models.BooleanField(default=False)
    rating = models.FloatField(null=True, blank=True)
    publishedAt = models.DateTimeField(null=True, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    counter = models.BigIntegerField(default=0)

    class Meta:
        app_label = "api"
        db_table = "posts"
        ordering = ["id"]


class Comment(models.Model):
    postId = models.ForeignKey(Post, db_column="postId", related_name="comments", on_delete=models.CASCADE)
    body = models.TextField()

    class Meta:
        app_label = "api"
        db_table = "comments"
        ordering = ["id"]


Serializer = serializers.HyperlinkedModelSerializer if ARGS.hyperlinked else serializers.ModelSerializer
URL = ["url"] if ARGS.hyperlinked else []


class UserSerializer(Serializer):
    class Meta:
        model = User
        fields = URL + ["id", "name", "active"]


class PostSerializer(Serializer):
    class Meta:
        model = Post
        fields = URL + ["id", "userId", "title", "views", "published", "rating", "publishedAt", "meta", "counter"]


class CommentSerializer(Serializer):
    class Meta:
        model = Comment
        fields = URL + ["id", "postId", "body"]


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.order_by("id")
    serializer_class = UserSerializer
    filterset_fields = {"id": ["in"], "active": ["exact"]}
    search_fields = ["name"]
    ordering_fields = ["id", "name", "active"]
    ordering = ["id"]


class PostViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.order_by("id")
    serializer_class = PostSerializer
    # Lookups for every operator Refetch offers (its filter bar); comments declare only postId, so a filter on
    # their body is one the server ignores (and the list must catch).
    filterset_fields = {"id": ["exact", "in"], "userId": ["exact", "in"],
                        "views": ["exact", "in", "gt", "gte", "lt", "lte", "isnull"],
                        "title": ["exact", "in", "icontains", "istartswith", "isnull"],
                        "published": ["exact", "isnull"],
                        "rating": ["exact", "in", "gt", "gte", "lt", "lte", "isnull"],
                        "publishedAt": ["exact", "in", "gt", "gte", "lt", "lte", "isnull"]}
    search_fields = ["title"]
    ordering_fields = ["id", "userId", "title", "views", "published", "rating", "publishedAt"]
    ordering = ["id"]


class CommentViewSet(viewsets.ModelViewSet):
    queryset = Comment.objects.order_by("id")
    serializer_class = CommentSerializer
    filterset_fields = {"id": ["in"], "postId": ["exact"]}
    search_fields = ["body"]
    ordering_fields = ["id", "postId", "body"]
    ordering = ["id"]


router = routers.DefaultRouter()
router.register("users", UserViewSet)
router.register("posts", PostViewSet)
router.register("comments", CommentViewSet)
urlpatterns = [path("", include(router.urls))]


def create_and_seed(seed_path):
    with open(seed_path, encoding="utf-8") as f:
        seed = json.load(f)
    with connection.schema_editor() as editor:
        for model in (User, Post, Comment):
            editor.create_model(model)
    with transaction.atomic():
        User.objects.bulk_create(User(id=u["id"], name=u["name"], active=u.get("active", True))
                                 for u in seed.get("users", []))
        Post.objects.bulk_create(
            Post(id=p["id"], userId_id=p["userId"], title=p["title"], views=p.get("views", 0),
                 published=p.get("published", False), rating=p.get("rating"),
                 publishedAt=parse_datetime(p["publishedAt"]) if p.get("publishedAt") else None,
                 meta=p.get("meta") or {}, counter=p.get("counter", 0))
            for p in seed.get("posts", []))
        Comment.objects.bulk_create(Comment(id=c["id"], postId_id=c["postId"], body=c["body"])
                                    for c in seed.get("comments", []))
    # Threads open their own connections; this one is done.
    connection.close()


def make_server():
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, get_internal_wsgi_application

    class Handler(WSGIRequestHandler):
        def parse_request(self):
            ok = super().parse_request()
            if ok:
                say(f"REQUEST {self.command} {self.path}")
            return ok

        def log_message(self, format, *args):  # the REQUEST lines say it already
            pass

    class Server(ThreadedWSGIServer):
        def server_bind(self):
            # HTTPServer.server_bind asks socket.getfqdn(), a DNS lookup that can take seconds.
            import socketserver
            socketserver.TCPServer.server_bind(self)
            self.server_name = "127.0.0.1"
            self.server_port = self.server_address[1]
            self.setup_environ()

    server = Server(("127.0.0.1", 0), Handler, ipv6=False, allow_reuse_address=False)
    server.set_app(get_internal_wsgi_application())
    return server


def main():
    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    create_and_seed(ARGS.seed)
    server = make_server()
    say(f"Listening on http://127.0.0.1:{server.server_port}")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
