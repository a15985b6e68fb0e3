"""Chinese names of page kinds and changed fields, as the PR report prints them."""

from __future__ import annotations

KIND_LABELS = {
    "home": "首页",
    "bulletin": "简报页",
    "article": "文章页",
    "cluster": "产业集群页",
    "clusters": "产业集群总览",
    "archive": "归档",
    "feed": "订阅源（Atom）",
    "sitemap": "站点地图",
    "robots": "robots.txt",
    "404": "404 页",
    "search": "搜索页",
    "asset": "样式与脚本",
    "original": "简报原件",
}
FIELD_LABELS = {
    "url": "网址",
    "slug": "网址",
    "title": "标题",
    "cluster": "产业集群",
    "subtitle": "副标题",
    "column": "栏目",
    "number": "期号",
    "date": "日期",
    "publisher": "编印单位",
    "source_file": "原文件名",
    "articles": "文章数",
}
