//! The `entraide` binary: parse the command line, run the app, map errors
//! to exit codes (0 ok, 1 runtime failure, 2 invalid input).

use clap::Parser;
use entraide::{app, cli::Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::main(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
