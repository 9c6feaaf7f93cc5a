//! The Slurm example (examples/slurm/sweep.sbatch) on a real single-node
//! Slurm: see tests/slurm/run.sh. Ignored in a plain `cargo test`, where it
//! shows as skipped, because it needs root and Debian's slurmctld, slurmd,
//! slurm-client and munge packages; `.ci/run` installs them and runs it
//! (or says loudly why it cannot). Run it by hand with
//! `cargo test --test slurm -- --ignored`.

use std::process::Command;

#[test]
#[ignore = "needs root and Slurm installed: .ci/run installs them and runs tests/slurm/run.sh"]
fn job_array_and_merge_give_the_single_machine_files() {
    let out = Command::new("bash")
        .arg("tests/slurm/run.sh")
        .env("ENTRAIDE", env!("CARGO_BIN_EXE_entraide"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(
        out.status.code(),
        Some(77),
        "Slurm is not available here, so this test cannot run: {stdout}"
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("same runs.csv"), "{stdout}");
}
