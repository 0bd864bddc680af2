use clap::Parser;

fn main() -> std::process::ExitCode {
    reservkit::cli::run(reservkit::cli::Cli::parse())
}
