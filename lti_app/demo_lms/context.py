"""The demo LMS's per-app objects (settings, key, store), reachable from any view."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from lti_app.demo_lms.keys import PlatformKey
from lti_app.demo_lms.platform import DemoPlatformConf, platform_conf
from lti_app.demo_lms.settings import DemoLmsSettings
from lti_app.demo_lms.store import JsonStore

EXTENSION_KEY = "intervision_demo_lms"


@dataclass(frozen=True)
class DemoLms:
    settings: DemoLmsSettings
    platform_key: PlatformKey
    store: JsonStore

    def conf(self) -> DemoPlatformConf:
        return platform_conf(self.settings, self.platform_key)


def current_lms() -> DemoLms:
    lms: DemoLms = current_app.extensions[EXTENSION_KEY]
    return lms
