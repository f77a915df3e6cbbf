//! Shared by the benches: the raw signature floor, timed in the same run as the hot path, and
//! the ratio report.

use std::time::{Duration, Instant};

/// Mean time per call of `f` over `budget`, after a short warm-up.
fn mean_time(f: &mut dyn FnMut(), budget: Duration) -> f64 {
    for _ in 0..20 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u32;
    while start.elapsed() < budget {
        f();
        n += 1;
    }
    start.elapsed().as_secs_f64() / f64::from(n.max(1))
}

/// Prints `op` ÷ `floor` (the raw signature operation on the same input), measured in
/// alternating rounds so both see the same machine state; reports the median round.
pub fn report_ratio(what: &str, mut floor: impl FnMut(), mut op: impl FnMut()) {
    let budget = Duration::from_millis(300);
    let mut rounds: Vec<(f64, f64)> = (0..7)
        .map(|_| (mean_time(&mut floor, budget), mean_time(&mut op, budget)))
        .collect();
    rounds.sort_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)));
    let (f, o) = rounds[rounds.len() / 2];
    println!(
        "RATIO {what}: {:.2} µs / raw {:.2} µs = {:.3}",
        o * 1e6,
        f * 1e6,
        o / f
    );
}

/// Instruction counting instead of timing: with `INKAN_BENCH_ITERS=N` set, runs `floor` (when
/// `INKAN_BENCH_OP=floor`) or `op` (otherwise) N times and returns `true`, so the bench can stop
/// before criterion starts. Under `valgrind --tool=callgrind`, two runs with different N give
/// the instructions per call (the difference of the totals ÷ the difference of N), a figure
/// that, unlike wall time, other load on the machine does not move.
#[allow(dead_code)] // only the benches that report instruction counts call it
pub fn count_only(mut floor: impl FnMut(), mut op: impl FnMut()) -> bool {
    let Some(iters) = std::env::var("INKAN_BENCH_ITERS")
        .ok()
        .and_then(|n| n.parse::<u32>().ok())
    else {
        return false;
    };
    let floor_wanted = std::env::var("INKAN_BENCH_OP").is_ok_and(|op| op == "floor");
    for _ in 0..iters {
        if floor_wanted { floor() } else { op() }
    }
    true
}
