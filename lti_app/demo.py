"""`intervision demo`: the course, the tool and a demo LMS on this machine, in one command.

Why a demo LMS instead of instructions for Moodle: a newcomer should see the tool inside an LMS
page, launch it as an instructor and as a learner, add content by deep linking and watch grades
arrive, within a minute of cloning, on plain http on 127.0.0.1 only.
"""

from __future__ import annotations

import errno
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from lti_app.demo_lms.settings import DemoLmsSettings

HOST = "127.0.0.1"  # never anything else: the demo runs on plain http


@dataclass(frozen=True)
class DemoUrls:
    tool: str
    lms: str

    @property
    def course(self) -> str:
        return f"{self.lms}/"

    @property
    def setup(self) -> str:
        return f"{self.tool}/lti/setup"

    @property
    def courseware(self) -> str:
        return f"{self.lms}/courseware/"


def build_course(config_file: Path) -> Path:
    """Build the courseware (and catalogue.json) with the project's builder; return the site."""
    try:
        from site_builder.mkdocs.site_build import BuildFailed, build_site
    except ImportError:
        raise click.ClickException(
            "the course builder (site_builder) is not installed; pass --no-build to skip it"
        ) from None
    try:
        return build_site(config_file)
    except BuildFailed as error:
        raise click.ClickException(f"building the course failed: {error}") from None


def prepare_tool(instance: Path, urls: DemoUrls, site_dir: Path | None) -> Flask:
    """The tool on SQLite in the instance folder, migrated, with a key and the demo LMS known."""
    from lti_app import create_app
    from lti_app.config import ConfigError, default_database_url

    overrides: dict[str, object] = {
        "INSTANCE_PATH": str(instance),
        "BASE_URL": urls.tool,
        "DATABASE_URL": default_database_url(instance.resolve()),
    }
    if site_dir is not None:
        overrides["SITE_DIR"] = str(site_dir.resolve())
    try:
        app = create_app(overrides)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    with app.app_context():
        register_demo_platform(app, demo_lms_settings(instance, urls, site_dir))
    return app


def demo_lms_settings(instance: Path, urls: DemoUrls, site_dir: Path | None) -> DemoLmsSettings:
    return DemoLmsSettings(
        issuer=urls.lms,
        tool_base_url=urls.tool,
        instance_path=instance.resolve() / "demo_lms",
        site_dir=site_dir.resolve() if site_dir else None,
    )


def register_demo_platform(app: Flask, settings: DemoLmsSettings) -> None:
    """Migrate, make sure the tool has a key, and register the LMS once (safe to repeat)."""
    from lti_app.cli_commands import apply_migrations
    from lti_app.storage import db, registrations_repo

    apply_migrations(app)
    demo_lms = registrations_repo.PlatformRegistration(
        issuer=settings.issuer,
        client_id=settings.client_id,
        auth_login_url=settings.auth_url,
        auth_token_url=settings.token_url,
        jwks_url=settings.jwks_url,
        deployment_ids=(settings.deployment_id,),
        frame_origins=(settings.issuer,),
        title="Intervision demo LMS",
    )
    with db.write_transaction(app) as session:
        # A known LMS takes the URLs of this run; safe to repeat.
        registrations_repo.upsert_registration(session, demo_lms, when_known="update_endpoints")


def bind(app: Flask, port: int, option: str) -> BaseWSGIServer:
    """A threaded server on 127.0.0.1:port, or a clear error naming the option to change."""
    try:
        return make_server(HOST, port, app, threaded=True)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise click.ClickException(
                f"port {port} on {HOST} is already in use; stop what is using it or choose "
                f"another port with {option} <port>"
            ) from None
        raise click.ClickException(f"cannot listen on {HOST}:{port}: {error.strerror}") from None


def check_port_free(port: int, option: str) -> None:
    """Fail before the (slow) build when a port is taken."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            raise click.ClickException(
                f"port {port} on {HOST} is already in use; stop what is using it or choose "
                f"another port with {option} <port>"
            ) from None


@dataclass
class RunningDemo:
    """Both servers, started in daemon threads; ``stop()`` shuts them down."""

    urls: DemoUrls
    tool_app: Flask
    servers: list[BaseWSGIServer]
    threads: list[threading.Thread]

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=5)


def start_demo(instance: Path, tool_port: int, lms_port: int, site_dir: Path | None) -> RunningDemo:
    """Prepare the tool and the demo LMS and serve both on 127.0.0.1 (used by tests too)."""
    from lti_app.demo_lms import create_demo_lms

    urls = DemoUrls(tool=f"http://{HOST}:{tool_port}", lms=f"http://{HOST}:{lms_port}")
    tool_app = prepare_tool(instance, urls, site_dir)
    lms_app = create_demo_lms(demo_lms_settings(instance, urls, site_dir))
    tool_server = bind(tool_app, tool_port, "--tool-port")
    try:
        lms_server = bind(lms_app, lms_port, "--lms-port")
    except click.ClickException:
        tool_server.server_close()
        raise
    servers = [tool_server, lms_server]
    # A short poll: stop() shuts both servers down, each waits up to one poll interval.
    threads = [
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        for s in servers
    ]
    for thread in threads:
        thread.start()
    return RunningDemo(urls, tool_app, servers, threads)


def wait_for_interrupt(running: RunningDemo) -> None:
    try:
        while all(thread.is_alive() for thread in running.threads):
            running.threads[0].join(timeout=1.0)
    except KeyboardInterrupt:
        click.echo("\nStopping the demo.")
    finally:
        running.stop()


@click.command("demo")
@click.option("--tool-port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--lms-port", default=5001, show_default=True, type=click.IntRange(1, 65535))
@click.option("--no-build", is_flag=True, help="Use the course already built in site/.")
@click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The courseware's mkdocs configuration.",
)
@click.option(
    "--instance-path",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("INTERVISION_INSTANCE_PATH", "instance"),
    show_default="INTERVISION_INSTANCE_PATH or ./instance",
    help="Where the demo keeps its SQLite database, keys and demo course.",
)
def demo(
    tool_port: int, lms_port: int, no_build: bool, config_file: Path, instance_path: Path
) -> None:
    """Build the course, then run the tool and a demo LMS on 127.0.0.1 until Ctrl-C."""
    if tool_port == lms_port:
        raise click.UsageError("--tool-port and --lms-port must differ.")
    check_port_free(tool_port, "--tool-port")
    check_port_free(lms_port, "--lms-port")
    if no_build:
        built = config_file.resolve().parent / "site"
        site_dir: Path | None = built if (built / "catalogue.json").is_file() else None
        if site_dir is None:
            click.echo(f"Note: no built course in {built}; run without --no-build for one.")
    else:
        click.echo("Building the course…")
        site_dir = build_course(config_file)
    running = start_demo(instance_path, tool_port, lms_port, site_dir)
    urls = running.urls
    click.echo(
        "\nIntervision demo is running (plain http, this computer only):\n"
        f"  Demo course (start here): {urls.course}\n"
        f"  Tool setup page:          {urls.setup}\n"
        f"  Courseware site:          {urls.courseware}\n"
        "Press Ctrl-C to stop.",
    )
    wait_for_interrupt(running)
