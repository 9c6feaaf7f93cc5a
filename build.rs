//! Build facts `entraide bench` reports, so that a pipeline comparing two
//! benchmark files can tell a slower commit from a different build: the
//! target triple, the cargo profile and optimisation level, and the
//! compiler's version (a new rustc changes speed as much as a commit).
//! Nothing else; no file is generated.

use std::process::Command;

fn main() {
    let env = |name: &str| std::env::var(name).unwrap_or_else(|_| "unknown".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    // Empty when the compiler cannot be asked: `bench` then reports null.
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=ENTRAIDE_TARGET={}", env("TARGET"));
    println!("cargo:rustc-env=ENTRAIDE_PROFILE={}", env("PROFILE"));
    println!("cargo:rustc-env=ENTRAIDE_OPT_LEVEL={}", env("OPT_LEVEL"));
    println!("cargo:rustc-env=ENTRAIDE_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
}
