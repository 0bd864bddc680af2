//! Command-line interface: parses arguments and runs the commands.
pub fn main() -> std::process::ExitCode {
    std::process::ExitCode::SUCCESS
}
