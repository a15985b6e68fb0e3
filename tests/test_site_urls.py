from huikan.site.urls import Linker, base_path, encode_path, is_absolute, normalize_base_url


def test_relative_links_from_any_depth():
    assert Linker("index.html", "/").url("") == "./"
    assert Linker("index.html", "/").url("archive/") == "archive/"
    assert Linker("a/index.html", "/").url("") == "../"
    assert Linker("a/b/index.html", "/").url("search/") == "../../search/"
    assert Linker("clusters/x/page/2/index.html", "/").url("assets/site.css") == (
        "../../../../assets/site.css"
    )


def test_links_do_not_depend_on_the_base_url():
    a = Linker("a/b/index.html", "/").url("c/")
    b = Linker("a/b/index.html", "https://example.org/pr-42/").url("c/")
    assert a == b


def test_absolute_links_for_pages_served_anywhere():
    link = Linker("404.html", "https://example.org/pr-42/", absolute_links=True)
    assert link.url("archive/") == "/pr-42/archive/"
    assert link.url("") == "/pr-42/"


def test_absolute_urls_and_percent_encoding():
    link = Linker("feed.xml", "https://example.org/pr-42")
    assert (
        link.absolute("a/数字经济/")
        == "https://example.org/pr-42/a/%E6%95%B0%E5%AD%97%E7%BB%8F%E6%B5%8E/"
    )
    assert encode_path("a b/c#page=3") == "a%20b/c#page=3"


def test_base_url_helpers():
    assert normalize_base_url("") == "/"
    assert normalize_base_url("https://x.org/p") == "https://x.org/p/"
    assert base_path("https://x.org/p/") == "/p/"
    assert base_path("/") == "/"
    assert is_absolute("https://x.org/") and not is_absolute("/p/")
