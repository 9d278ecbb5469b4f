#!/usr/bin/python3
"""A FastAPI service for Refetch's tests: users, posts and comments in memory, seeded from a json-server db.json.

    /usr/bin/python3 server.py --seed /tmp/x/db.json

It binds 127.0.0.1 on a port the OS picks, prints "Listening on http://127.0.0.1:PORT", then one line
"REQUEST <METHOD> <path-with-query>" for every request it reads. Nothing is written to disk.

Debian 12's python3-fastapi (0.92, pydantic 1.10) and python3-uvicorn (0.17), as the FastAPI tutorial writes a CRUD
service: GET /posts?skip=&limit= answers a plain array; q searches, order_by sorts (its values are an enum in
/openapi.json), userId/postId/published/active filter, min_views/max_views bound posts' views, id=1&id=2 picks records; POST answers 201, DELETE 204;
FastAPI's own 422 and 404 bodies.
"""

import argparse
import asyncio
import json
import socket
import sys
from datetime import datetime
from typing import Any, Dict, List, Literal, Optional

import uvicorn
from fastapi import FastAPI, HTTPException, Query, Response, status
from pydantic import BaseModel, conint, constr


class Record(BaseModel):
    id: int


class UserIn(BaseModel):
    name: constr(min_length=1, max_length=200)
    active: bool = True


class UserPatch(BaseModel):
    name: Optional[constr(min_length=1, max_length=200)]
    active: Optional[bool]


class User(UserIn, Record):  # Record last: id comes first in the JSON
    pass


class PostIn(BaseModel):
    userId: int
    title: constr(min_length=1, max_length=200)
    views: conint(ge=0) = 0
    published: bool = False
    rating: Optional[float] = None
    publishedAt: Optional[datetime] = None
    meta: Dict[str, Any] = {}


class PostPatch(BaseModel):
    userId: Optional[int]
    title: Optional[constr(min_length=1, max_length=200)]
    views: Optional[conint(ge=0)]
    published: Optional[bool]
    rating: Optional[float]
    publishedAt: Optional[datetime]
    meta: Optional[Dict[str, Any]]


class Post(PostIn, Record):  # Record last: id comes first in the JSON
    pass


class CommentIn(BaseModel):
    postId: int
    body: constr(min_length=1)


class CommentPatch(BaseModel):
    postId: Optional[int]
    body: Optional[constr(min_length=1)]


class Comment(CommentIn, Record):  # Record last: id comes first in the JSON
    pass


UserOrder = Literal["id", "-id", "name", "-name", "active", "-active"]
PostOrder = Literal["id", "-id", "userId", "-userId", "title", "-title", "views", "-views", "published",
                    "-published", "rating", "-rating", "publishedAt", "-publishedAt"]
CommentOrder = Literal["id", "-id", "postId", "-postId", "body", "-body"]


class Table:
    """One resource's records by id, as validated models."""

    def __init__(self, model, rows):
        self.model = model
        self.rows = {}
        for row in rows:
            record = model.parse_obj(row)
            self.rows[record.id] = record
        self.next_id = max(self.rows, default=0) + 1

    def get(self, id):
        record = self.rows.get(id)
        if record is None:
            raise HTTPException(status_code=404)
        return record

    def select(self, skip, limit, ids, q, q_field, order_by, filters):
        records = list(self.rows.values())
        if ids:
            wanted = set(ids)
            records = [r for r in records if r.id in wanted]
        for field, value in filters.items():
            if value is not None:
                records = [r for r in records if getattr(r, field) == value]
        if q:
            needle = q.casefold()
            records = [r for r in records if needle in getattr(r, q_field).casefold()]
        if order_by:
            field = order_by.lstrip("-")
            # None sorts first ascending, last descending, as in SQL's NULLS FIRST.
            records.sort(key=lambda r: (getattr(r, field) is not None, getattr(r, field) or 0)
                         if field in ("rating", "publishedAt") else getattr(r, field),
                         reverse=order_by.startswith("-"))
        else:
            records.sort(key=lambda r: r.id)
        return records[skip:skip + limit]

    def create(self, data):
        record = self.model(id=self.next_id, **data.dict())
        self.rows[record.id] = record
        self.next_id += 1
        return record

    def replace(self, id, data):
        self.get(id)
        record = self.model(id=id, **data.dict())
        self.rows[id] = record
        return record

    def patch(self, id, data):
        record = self.get(id)
        merged = record.copy(update=data.dict(exclude_unset=True))
        # copy(update=) does not validate: validate the result as a whole.
        record = self.model.parse_obj(merged.dict())
        self.rows[id] = record
        return record

    def delete(self, id):
        self.get(id)
        del self.rows[id]


def make_app(seed):
    app = FastAPI(title="Refetch test API (FastAPI)", version="1.0")
    users = Table(User, seed.get("users", []))
    posts = Table(Post, seed.get("posts", []))
    comments = Table(Comment, seed.get("comments", []))

    Skip = Query(0, ge=0)
    Limit = Query(100, ge=1, le=1000)
    Ids = Query(None, description="Only these ids: id=1&id=2")

    @app.get("/users", response_model=List[User], tags=["users"])
    async def list_users(skip: int = Skip, limit: int = Limit, q: Optional[str] = None,
                         order_by: Optional[UserOrder] = None, active: Optional[bool] = None,
                         id: Optional[List[int]] = Ids):
        return users.select(skip, limit, id, q, "name", order_by, {"active": active})

    @app.get("/users/{user_id}", response_model=User, tags=["users"])
    async def read_user(user_id: int):
        return users.get(user_id)

    @app.post("/users", response_model=User, status_code=status.HTTP_201_CREATED, tags=["users"])
    async def create_user(user: UserIn):
        return users.create(user)

    @app.put("/users/{user_id}", response_model=User, tags=["users"])
    async def replace_user(user_id: int, user: UserIn):
        return users.replace(user_id, user)

    @app.patch("/users/{user_id}", response_model=User, tags=["users"])
    async def update_user(user_id: int, user: UserPatch):
        return users.patch(user_id, user)

    @app.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, tags=["users"])
    async def delete_user(user_id: int):
        users.delete(user_id)

    @app.get("/posts", response_model=List[Post], tags=["posts"])
    async def list_posts(skip: int = Skip, limit: int = Limit, q: Optional[str] = None,
                         order_by: Optional[PostOrder] = None, userId: Optional[int] = None,
                         published: Optional[bool] = None, id: Optional[List[int]] = Ids,
                         min_views: Optional[int] = None, max_views: Optional[int] = None):
        chosen = posts.select(0, 1 << 30, id, q, "title", order_by, {"userId": userId, "published": published})
        chosen = [p for p in chosen if (min_views is None or p.views >= min_views)
                  and (max_views is None or p.views <= max_views)]
        return chosen[skip:skip + limit]

    @app.get("/posts/{post_id}", response_model=Post, tags=["posts"])
    async def read_post(post_id: int):
        return posts.get(post_id)

    @app.post("/posts", response_model=Post, status_code=status.HTTP_201_CREATED, tags=["posts"])
    async def create_post(post: PostIn):
        return posts.create(post)

    @app.put("/posts/{post_id}", response_model=Post, tags=["posts"])
    async def replace_post(post_id: int, post: PostIn):
        return posts.replace(post_id, post)

    @app.patch("/posts/{post_id}", response_model=Post, tags=["posts"])
    async def update_post(post_id: int, post: PostPatch):
        return posts.patch(post_id, post)

    @app.delete("/posts/{post_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response, tags=["posts"])
    async def delete_post(post_id: int):
        posts.delete(post_id)

    @app.get("/comments", response_model=List[Comment], tags=["comments"])
    async def list_comments(skip: int = Skip, limit: int = Limit, q: Optional[str] = None,
                            order_by: Optional[CommentOrder] = None, postId: Optional[int] = None,
                            id: Optional[List[int]] = Ids):
        return comments.select(skip, limit, id, q, "body", order_by, {"postId": postId})

    @app.get("/comments/{comment_id}", response_model=Comment, tags=["comments"])
    async def read_comment(comment_id: int):
        return comments.get(comment_id)

    @app.post("/comments", response_model=Comment, status_code=status.HTTP_201_CREATED, tags=["comments"])
    async def create_comment(comment: CommentIn):
        return comments.create(comment)

    @app.put("/comments/{comment_id}", response_model=Comment, tags=["comments"])
    async def replace_comment(comment_id: int, comment: CommentIn):
        return comments.replace(comment_id, comment)

    @app.patch("/comments/{comment_id}", response_model=Comment, tags=["comments"])
    async def update_comment(comment_id: int, comment: CommentPatch):
        return comments.patch(comment_id, comment)

    @app.delete("/comments/{comment_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
                tags=["comments"])
    async def delete_comment(comment_id: int):
        comments.delete(comment_id)

    return app


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class RequestLog:
    """ASGI middleware: prints the request line's method and target as the client sent them."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            target = scope.get("raw_path") or scope["path"].encode()
            if scope.get("query_string"):
                target += b"?" + scope["query_string"]
            say(f"REQUEST {scope['method']} {target.decode('latin-1')}")
        await self.app(scope, receive, send)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True, help="db.json with users, posts and comments")
    args = parser.parse_args()
    with open(args.seed, encoding="utf-8") as f:
        seed = json.load(f)
    app = RequestLog(make_app(seed))

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    # Connections wait in the backlog until uvicorn accepts them: the line can come before run().
    say(f"Listening on http://127.0.0.1:{sock.getsockname()[1]}")
    config = uvicorn.Config(app, lifespan="off", access_log=False, log_level="warning")
    # uvicorn.Server handles SIGTERM and SIGINT: it stops accepting and returns.
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
