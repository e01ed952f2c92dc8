#!/usr/bin/env python3
"""Side by side on one live RT: the first 100 tickets of a 1,000-ticket
queue listed by deskterm, by RT's own command-line client, and by RT's web
search page fetched with curl. Each command runs RUNS times; the medians
and ratios are printed as a Markdown table.

Needs the RT started by scripts/live/rt.sh (its env sourced), the Backlog
queue filled by scripts/live/rt-bulk.pl, `rt` (Debian's rt5-clients), curl,
and a deskterm binary: python3 scripts/bench/versus-rt.py target/release/deskterm
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = int(os.environ.get("RUNS", "15"))


def timed(argv, env, check):
    """Milliseconds one run took; the output must pass `check`."""
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True)
    took = (time.perf_counter() - start) * 1000
    if done.returncode != 0 or not check(done.stdout):
        sys.exit(f"{argv[0]} failed ({done.returncode}):\n{done.stderr.decode()[-2000:]}")
    return took


def median_of(argv, env, check):
    timed(argv, env, check)  # once to warm the server's caches, not counted
    return statistics.median(timed(argv, env, check) for _ in range(RUNS))


def main():
    deskterm = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "target/release/deskterm")
    url = os.environ["DESKTERM_RT_URL"]
    token = os.environ["DESKTERM_RT_TOKEN"]
    home = tempfile.mkdtemp()
    config = os.path.join(home, "config", "deskterm")
    os.makedirs(config)
    with open(os.path.join(config, "config.toml"), "w") as f:
        f.write(f'[profiles.district]\nbackend = "rt"\nurl = "{url}"\nuser = "alice"\n')
    base = {"PATH": os.environ["PATH"], "HOME": home}

    deskterm_env = dict(base, XDG_CONFIG_HOME=os.path.join(home, "config"),
                        XDG_DATA_HOME=os.path.join(home, "data"),
                        XDG_STATE_HOME=os.path.join(home, "state"), DESKTERM_TOKEN=token)
    ours = median_of(
        [deskterm, "ls", "--profile", "district", "--query", "queue:Backlog status:any",
         "--sort", "id", "--limit", "100", "--format", "json"],
        deskterm_env, lambda out: out.count(b'"subject"') == 100)

    # RT's own client (REST 1.0; it keeps its session in HOME, as for a
    # user). It has no limit: it
    # prints every ticket of the queue, id and subject.
    rt_env = dict(base, RTSERVER=url, RTUSER="alice", RTPASSWD="password-alice")
    theirs = median_of(["rt", "ls", "-s", "Queue = 'Backlog'"], rt_env,
                       lambda out: out.count(b"\n") >= 100)

    # The web UI's search page, 100 rows, with a session cookie from logging in once.
    jar = os.path.join(home, "cookies")
    subprocess.run(["curl", "-fsS", "-c", jar, "-o", "/dev/null", "-d", "user=alice",
                    "-d", "pass=password-alice", f"{url}/NoAuth/Login.html"], check=True)
    page = (f"{url}/Search/Results.html?Query=Queue%20%3D%20%27Backlog%27"
            "&RowsPerPage=100&OrderBy=id&Order=DESC")
    web = median_of(["curl", "-fsS", "-b", jar, page], base,
                    lambda out: out.count(b"/Ticket/Display.html?id=") >= 100)

    print(f"| command | median of {RUNS} | vs deskterm |")
    print("|---|---|---|")
    for name, ms in [
        ("`deskterm ls --query 'queue:Backlog status:any' --sort id --limit 100 --format json`", ours),
        ("`rt ls -s \"Queue = 'Backlog'\"` (rt5-clients; no limit, all 1,000)", theirs),
        ("`curl` of Search/Results.html, 100 rows, logged in", web),
    ]:
        print(f"| {name} | {ms:.0f} ms | {ms / ours:.1f}x |")
    # A measurement, not a test: a busy machine must not fail the build.
    if ours >= min(theirs, web):
        print("\nnote: deskterm was not the fastest in this run")


if __name__ == "__main__":
    main()
