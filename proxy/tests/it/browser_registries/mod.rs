//! The registry views of issue 9 in a real browser: a Docker Hub namespace listing (more
//! than 100 repositories, filtered, each opening its tags), a registry's catalog (every
//! page, under a prefix), tag dates with the "recently pushed" order and per-platform rows,
//! and the pull rate limit on a docker.io image page (and its 429 explained). The Hub runs
//! as the testkit's Docker Hub World under its real names (lading trusts its CA); the
//! catalog is a real distribution registry. Screenshots at 1300 and 390 px, light and dark,
//! go to `test-artifacts/issue9/`. Needs the built frontend in `dist/`.

mod stand;

mod catalog;
mod hub;
mod look;
mod tls;
