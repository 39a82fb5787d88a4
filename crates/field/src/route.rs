//! Routes for the teams of a visit round. Targets are split over the teams by
//! a sweep around the start (each team gets a sector with an equal share of
//! the targets, so teams have similar work and little crossing), then each
//! team's targets are ordered into a closed route from the start and back:
//! nearest neighbour first, then improved by 2-opt (reverse a stretch) and
//! Or-opt (move a stretch of one to three stops elsewhere) until no move
//! shortens it. Distances are straight lines in RD New metres. A route is then
//! split into days of at most a given number of visits.

/// A position in RD New (metres).
pub type Point = (f64, f64);

fn dist(a: Point, b: Point) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// Length of the closed route start → points in `order` → start.
pub fn length(start: Point, points: &[Point], order: &[usize]) -> f64 {
    let mut at = start;
    let mut total = 0.0;
    for &i in order {
        total += dist(at, points[i]);
        at = points[i];
    }
    total + dist(at, start)
}

/// The nearest-neighbour route: from the start, always the nearest unvisited
/// point (the lowest index on ties).
pub fn nearest_neighbour(start: Point, points: &[Point]) -> Vec<usize> {
    let mut left: Vec<usize> = (0..points.len()).collect();
    let mut order = Vec::with_capacity(points.len());
    let mut at = start;
    while !left.is_empty() {
        let (k, _) = left
            .iter()
            .enumerate()
            .map(|(k, &i)| (k, dist(at, points[i])))
            .fold(
                (0, f64::INFINITY),
                |best, cur| if cur.1 < best.1 { cur } else { best },
            );
        let i = left.remove(k);
        at = points[i];
        order.push(i);
    }
    order
}

/// A short closed route through every point once: nearest neighbour, then
/// 2-opt and Or-opt moves while they shorten it. Never longer than the
/// nearest-neighbour route.
pub fn order(start: Point, points: &[Point]) -> Vec<usize> {
    let mut route = nearest_neighbour(start, points);
    if route.len() < 3 {
        return route;
    }
    // Positions: 0 is the start, 1..=n the route, n+1 the start again.
    let pos = |route: &[usize], k: usize| -> Point {
        if k == 0 || k == route.len() + 1 {
            start
        } else {
            points[route[k - 1]]
        }
    };
    const EPS: f64 = 1e-9;
    let n = route.len();
    let mut improved = true;
    let mut rounds = 0;
    while improved && rounds < 100 {
        improved = false;
        rounds += 1;
        // 2-opt: reverse route[i..=j] (positions i+1..=j+1).
        for i in 0..n - 1 {
            for j in i + 1..n {
                let (a, b) = (pos(&route, i), pos(&route, i + 1));
                let (c, d) = (pos(&route, j + 1), pos(&route, j + 2));
                let delta = dist(a, c) + dist(b, d) - dist(a, b) - dist(c, d);
                if delta < -EPS {
                    route[i..=j].reverse();
                    improved = true;
                }
            }
        }
        // Or-opt: move a stretch of 1..=3 stops to another place, either way round.
        'moves: for len in 1..=3.min(n - 1) {
            for i in 0..=n - len {
                let (p, first) = (pos(&route, i), pos(&route, i + 1));
                let (last, q) = (pos(&route, i + len), pos(&route, i + len + 1));
                let removed = dist(p, first) + dist(last, q) - dist(p, q);
                // Insert between route positions k and k+1 of the route without the stretch.
                let rest: Vec<usize> = route[..i]
                    .iter()
                    .chain(&route[i + len..])
                    .copied()
                    .collect();
                for k in 0..=rest.len() {
                    if k == i {
                        continue;
                    }
                    let u = if k == 0 { start } else { points[rest[k - 1]] };
                    let v = if k == rest.len() {
                        start
                    } else {
                        points[rest[k]]
                    };
                    let forward = dist(u, first) + dist(last, v) - dist(u, v);
                    let backward = dist(u, last) + dist(first, v) - dist(u, v);
                    let (added, reverse) = if backward < forward {
                        (backward, true)
                    } else {
                        (forward, false)
                    };
                    if added - removed < -EPS {
                        let mut stretch: Vec<usize> = route[i..i + len].to_vec();
                        if reverse {
                            stretch.reverse();
                        }
                        let mut next = rest[..k].to_vec();
                        next.extend(stretch);
                        next.extend(&rest[k..]);
                        route = next;
                        improved = true;
                        continue 'moves;
                    }
                }
            }
        }
    }
    route
}

/// Splits the points over `teams` teams: sorted by their angle around the
/// start, then cut into consecutive sectors of (almost) equal size. Returns
/// the point indices of each team; a team may be empty when there are fewer
/// points than teams.
pub fn split_teams(start: Point, points: &[Point], teams: usize) -> Vec<Vec<usize>> {
    let teams = teams.max(1);
    let mut by_angle: Vec<(f64, usize)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| ((p.1 - start.1).atan2(p.0 - start.0), i))
        .collect();
    by_angle.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    // Start the sweep after the widest angular gap, so no sector straddles
    // the densest direction needlessly.
    let m = by_angle.len();
    let mut rotate = 0;
    if m > 1 {
        let mut widest = -1.0;
        for k in 0..m {
            let next = if k + 1 == m {
                by_angle[0].0 + std::f64::consts::TAU
            } else {
                by_angle[k + 1].0
            };
            let gap = next - by_angle[k].0;
            if gap > widest {
                widest = gap;
                rotate = (k + 1) % m;
            }
        }
    }
    by_angle.rotate_left(rotate);
    let mut out = vec![Vec::new(); teams];
    for (k, (_, i)) in by_angle.into_iter().enumerate() {
        out[k * teams / m.max(1)].push(i);
    }
    out
}

/// Cuts a route into days of at most `per_day` visits (the last day may have fewer).
pub fn days(route: &[usize], per_day: usize) -> Vec<Vec<usize>> {
    route
        .chunks(per_day.max(1))
        .map(<[usize]>::to_vec)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn is_permutation(order: &[usize], n: usize) -> bool {
        let mut seen = vec![false; n];
        order.len() == n
            && order.iter().all(|&i| {
                let fresh = i < n && !seen[i];
                if fresh {
                    seen[i] = true;
                }
                fresh
            })
    }

    #[test]
    fn a_square_is_walked_round_not_across() {
        let pts = [(0.0, 0.0), (1000.0, 1000.0), (1000.0, 0.0), (0.0, 1000.0)];
        let start = (-100.0, 0.0);
        let o = order(start, &pts);
        assert!(is_permutation(&o, 4));
        let len = length(start, &pts, &o);
        // Around the square: 3 sides + the two short legs from and to the start.
        assert!(
            (len - (3000.0 + 100.0 + (100.0f64.powi(2) + 1000.0f64.powi(2)).sqrt())).abs() < 1e-6,
            "{len}"
        );
    }

    #[test]
    fn teams_get_equal_shares_and_days_are_cut() {
        let pts: Vec<Point> = (0..10)
            .map(|i| {
                (
                    (i as f64 * 0.7).cos() * 5000.0,
                    (i as f64 * 0.7).sin() * 5000.0,
                )
            })
            .collect();
        let t = split_teams((0.0, 0.0), &pts, 3);
        let sizes: Vec<usize> = t.iter().map(Vec::len).collect();
        assert_eq!(sizes.iter().sum::<usize>(), 10);
        assert!(sizes.iter().all(|&s| (3..=4).contains(&s)), "{sizes:?}");
        let all: Vec<usize> = t.concat();
        assert!(is_permutation(
            &{
                let mut a = all;
                a.sort();
                a
            },
            10
        ));
        assert_eq!(
            days(&[1, 2, 3, 4, 5], 2),
            vec![vec![1, 2], vec![3, 4], vec![5]]
        );
        assert_eq!(
            split_teams((0.0, 0.0), &pts[..1], 3)
                .iter()
                .map(Vec::len)
                .sum::<usize>(),
            1
        );
        assert!(order((0.0, 0.0), &[]).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn the_route_visits_every_target_once_and_is_no_longer_than_nearest_neighbour(
            pts in prop::collection::vec((0.0f64..20_000.0, 0.0f64..20_000.0), 0..40),
            // Some identical positions, as farms with several addresses have.
            dups in prop::collection::vec(0usize..40, 0..5),
            start in (0.0f64..20_000.0, 0.0f64..20_000.0),
        ) {
            let mut pts = pts;
            for d in dups {
                if let Some(&p) = pts.get(d) {
                    pts.push(p);
                }
            }
            let o = order(start, &pts);
            prop_assert!(is_permutation(&o, pts.len()));
            let nn = nearest_neighbour(start, &pts);
            prop_assert!(length(start, &pts, &o) <= length(start, &pts, &nn) + 1e-6);
            for teams in 1..4 {
                let split = split_teams(start, &pts, teams);
                let mut all = split.concat();
                all.sort_unstable();
                prop_assert!(is_permutation(&all, pts.len()));
                let (min, max) = split.iter().fold((usize::MAX, 0), |(lo, hi), t| (lo.min(t.len()), hi.max(t.len())));
                prop_assert!(max - min <= 1);
            }
        }
    }
}
