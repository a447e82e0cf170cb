"""Serving through the documented nginx configuration under its CSP, and
proof in a real browser that injected markup does not execute."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, build, copy_project, run_cli, tool_missing
from browsing import Server, Watched

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
if not Path(NGINX).exists():
    tool_missing("找不到 nginx：apt-get install nginx", module_level=True)

TEMPLATE = REPO / ".ci" / "templates" / "nginx.conf"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_site(sample_site, tmp_path_factory):
    _, site = sample_site
    work = tmp_path_factory.mktemp("nginx")
    snippet = work / "taizhang-csp.conf"
    result = run_cli("csp", str(site), "--nginx", cwd=REPO)
    assert result.returncode == 0, result.stderr
    snippet.write_text(result.stdout, encoding="utf-8")
    port = _free_port()
    server = (TEMPLATE.read_text(encoding="utf-8")
              .replace("listen 80;", f"listen 127.0.0.1:{port};")
              .replace("root /srv/taizhang/site;", f"root {site};")
              .replace("include /etc/nginx/snippets/taizhang-csp.conf;", f"include {snippet};"))
    assert f"127.0.0.1:{port}" in server and str(site) in server and str(snippet) in server
    (work / "nginx.conf").write_text(
        # Workers run as root here only because pytest's temp folders are private to root.
        f"daemon off;\n{'user root;' if os.geteuid() == 0 else ''}\npid {work}/nginx.pid;\nerror_log {work}/error.log;\nevents {{}}\n"
        f"http {{\n include /etc/nginx/mime.types;\n access_log {work}/access.log;\n"
        f" client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;\n"
        f" uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;\n{server}\n}}\n", encoding="utf-8")
    process = subprocess.Popen([NGINX, "-c", str(work / "nginx.conf"), "-p", str(work)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    origin = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(origin, timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("nginx did not start: " + (work / "error.log").read_text()[-2000:])
    yield origin
    process.terminate()
    process.wait(timeout=10)


def test_nginx_sends_the_security_headers(nginx_site):
    with urllib.request.urlopen(nginx_site) as response:
        headers = response.headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self' 'sha256-")
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_site_works_under_the_policy_search_included(browser, nginx_site):
    w = Watched(browser, nginx_site)
    try:
        page = w.page
        page.goto(nginx_site)
        page.locator('a.tz-num[data-metric="措施完成率"] .tz-num__value').wait_for()
        assert page.locator('a.tz-num[data-metric="措施完成率"] .tz-num__value').inner_text() == "22.2%"
        page.goto(nginx_site + "lists/tasks/")
        page.select_option('select[data-filter="status"]', "正在整改")
        assert page.locator(".tz-filter__count").inner_text() == "（显示 3 / 9 行）"   # CS-007 counts as 基本完成
        page.locator(".md-search__input").click()
        box = page.locator("input.md-search__input")
        box.fill("经商办企业")
        box.press("End")
        page.locator(".md-search-result__item").first.wait_for(timeout=15000)
        assert "FK-015" in page.locator(".md-search-result").inner_text()
        assert w.errors == [], "console errors (CSP violations are reported here)"
        assert w.off_site() == []
    finally:
        w.close()


PAYLOAD = '<img src=x onerror="window.__pwned=1">'


def test_injected_payloads_do_not_execute(browser, tmp_path):
    root = copy_project(tmp_path / "p")
    path = root / "records/measures/CS-003.md"
    text = path.read_text(encoding="utf-8")
    text = (text.replace("标题: 统筹兼顾", f"标题: '{PAYLOAD}'")
                .replace("责任人: 李某某", "责任人: '<script>window.__pwned=2</script>'")
                .replace("内容: 结合选人用人专项检查反馈", "内容: <svg onload=window.__pwned=3>结合选人用人专项检查反馈"))
    text += "\n<script>window.__pwned=4</script>\n\n[点我](javascript:window.__pwned=5)\n"
    path.write_text(text, encoding="utf-8")
    strict = build(root)
    assert strict.returncode != 0 and "(unsafe-html)" in strict.stderr
    loose = subprocess.run([*strict.args[:3], "build", "-d", "site"], cwd=root, env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
                           capture_output=True, text=True)
    assert loose.returncode == 0, loose.stderr
    server = Server(root / "site")
    w = Watched(browser, server.origin + "/")
    dialogs = []
    w.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        for page_path in ("measures/CS-003/", "lists/tasks/", "", "lists/responsibility/", "problems/WT-005/"):
            w.page.goto(server.origin + "/" + page_path)
            w.page.wait_for_load_state("load")
            assert w.page.evaluate("window.__pwned") is None, page_path
        w.page.goto(server.origin + "/measures/CS-003/")
        assert PAYLOAD in w.page.locator("h1").inner_text().replace("\u2060", "")   # the inert joiner is invisible
        # The body is sanitised, not shown as text: the script and its content are gone.
        assert w.page.locator(".tz-body script").count() == 0
        assert "window.__pwned=4" not in w.page.locator(".tz-body").inner_text()
        links = w.page.locator("article a[href^='javascript']").count()
        assert links == 0
        assert dialogs == []
    finally:
        w.close()
        server.close()
