//! The `entraide` binary: parse the command line, run the app, map errors
//! to exit codes (0 ok, 1 runtime failure, 2 invalid input).

use clap::Parser;
use entraide::{app, cli::Cli};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::main(cli) {
        // A closed stdout (`entraide run ... | head`) ends the program
        // quietly, as ripgrep does.
        Ok(()) | Err(app::AppError::ClosedStdout) => ExitCode::SUCCESS,
        Err(error) => {
            // Long values echoed in the message are cut (with their length).
            eprintln!(
                "error: {}",
                entraide::scenario::clip_long_values(&error.to_string())
            );
            ExitCode::from(error.exit_code())
        }
    }
}
