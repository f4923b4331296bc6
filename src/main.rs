//! The `investment-system` binary: see `src/server/cli.rs` for its commands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    investment_system::server::cli::run().await
}
