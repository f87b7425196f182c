"""Where Chromium is and what to say without it (Module 07's PDF print): the browser names
and install folders the course looks in, the advice for a machine that has none, and the rules
that keep a headless Chromium offline.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

#: Names of browsers that print like Chromium (Chrome, Edge are Chromium), looked up on PATH.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
                  "chrome", "msedge", "microsoft-edge")


def chromium_locations(platform: str | None = None,
                       env: Mapping[str, str] | None = None) -> list[Path]:
    """Where Chromium, Chrome and Edge install themselves off PATH: macOS apps, Windows'
    program folders (machine-wide, or per user in LOCALAPPDATA); Linux puts them on PATH."""
    platform, env = platform or sys.platform, os.environ if env is None else env
    if platform == "darwin":
        return [Path(f"/Applications/{app}.app/Contents/MacOS/{app}")
                for app in ("Google Chrome", "Chromium", "Microsoft Edge")]
    if platform == "win32":
        folders = [env[v] for v in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
                   if env.get(v)]
        return [Path(folder, *exe.split("/")) for folder in folders
                for exe in ("Google/Chrome/Application/chrome.exe", "Chromium/Application/"
                            "chrome.exe", "Microsoft/Edge/Application/msedge.exe")]
    return []


def chromium_advice(platform: str | None = None) -> str:
    """How to get a browser :func:`find_chromium` finds, for this operating system."""
    platform = platform or sys.platform
    chosen = os.environ.get("DEPLOYDL_CHROMIUM")
    if chosen:
        return (f"DEPLOYDL_CHROMIUM={chosen} is not a browser found on this machine: set it to "
                "the full path of Chromium, Chrome or Edge, or unset it")
    if platform == "darwin":
        how = "install Google Chrome (into /Applications) or `brew install --cask chromium`"
    elif platform == "win32":
        how = "install Google Chrome or Microsoft Edge (Windows includes Edge)"
    else:
        how = "install Chromium (Debian/Ubuntu: apt-get install chromium)"
    return f"{how}; or set DEPLOYDL_CHROMIUM to the browser's full path"


#: Every host name and address Chromium would look up or connect to fails at once, except
#: loopback (a local server under test). Without it headless Chromium still looks up
#: www.google.com, accounts.google.com and clients2.google.com, --disable-background-networking
#: notwithstanding.
CHROMIUM_OFFLINE_RULES = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"
