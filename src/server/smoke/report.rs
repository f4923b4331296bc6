//! The smoke check's outcome: one line per check for people, or JSON for scripts.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Could not run here (e.g. SONAR for a non-administrator); never a failure.
    Skip,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    pub name: &'static str,
    pub status: Status,
    pub detail: String,
    pub elapsed_ms: u64,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub base_url: String,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub checks: Vec<CheckResult>,
}

impl Report {
    pub fn new(base_url: &str, checks: Vec<CheckResult>) -> Report {
        let count = |status| checks.iter().filter(|c| c.status == status).count();
        Report {
            base_url: base_url.to_string(),
            passed: count(Status::Pass),
            failed: count(Status::Fail),
            skipped: count(Status::Skip),
            checks,
        }
    }

    pub fn succeeded(&self) -> bool {
        self.failed == 0
    }

    pub fn lines(&self) -> String {
        let mut out = String::new();
        for check in &self.checks {
            out.push_str(&format!(
                "{}  {:<14} {} [{} ms]\n",
                check.status.label(),
                check.name,
                check.detail,
                check.elapsed_ms
            ));
        }
        out.push_str(&format!(
            "smoke {}: {} passed, {} failed, {} skipped\n",
            self.base_url, self.passed, self.failed, self.skipped
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(name: &'static str, status: Status) -> CheckResult {
        CheckResult {
            name,
            status,
            detail: format!("{name} detail"),
            elapsed_ms: 3,
        }
    }

    #[test]
    fn a_skip_is_not_a_failure_but_a_fail_is() {
        let report = Report::new(
            "http://x",
            vec![check("health", Status::Pass), check("sonar", Status::Skip)],
        );
        assert!(report.succeeded());
        assert_eq!((report.passed, report.skipped), (1, 1));
        let report = Report::new("http://x", vec![check("cors", Status::Fail)]);
        assert!(!report.succeeded());
        let lines = report.lines();
        assert!(
            lines.starts_with("FAIL  cors           cors detail [3 ms]\n"),
            "{lines}"
        );
        assert!(
            lines.ends_with("0 passed, 1 failed, 0 skipped\n"),
            "{lines}"
        );
    }
}
