//! The `archhour` binary's body: reads the CLI and the environment, opens the database, and
//! runs. It lives in the library, not in `main.rs`: a binary compiles again the library's async
//! bodies it reaches, which made the release build half a minute longer (docs/BENCHMARKS.md,
//! "Build profiles").

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Parser;

use crate::cli::{Cli, CliCommand};
use crate::clock::SystemClock;
use crate::config::{
    self, Config, ConfigError, DEFAULT_LOG_FILTER, DatabaseConfig, LogFormat, LogSettings,
};
use crate::database::{self, Database};
use crate::domain::ids::ChannelId;
use crate::{Listeners, Services, store, tools};

/// Exit code for a missing or invalid configuration value.
const EXIT_CONFIG: u8 = 2;

/// Runs the command line's command; the process exits with what it returns.
pub fn main() -> ExitCode {
    // A .env file is a convenience for development; real environment variables win.
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    match LogSettings::from_lookup(&config::env_lookup, std::io::stderr().is_terminal()) {
        Ok(logs) => init_logs(logs),
        Err(error) => return config_failure(&error),
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return failure(&anyhow::Error::from(error)),
    };
    let result = match cli.command() {
        CliCommand::Serve => match Config::from_env() {
            Ok(config) => runtime.block_on(serve(config)),
            Err(error) => return config_failure(&error),
        },
        CliCommand::Migrate => match DatabaseConfig::from_env() {
            Ok(config) => runtime.block_on(migrate(config)),
            Err(error) => return config_failure(&error),
        },
        CliCommand::Import(args) => match DatabaseConfig::from_env() {
            Ok(config) => runtime.block_on(offline(config, |db| async move {
                let clock = SystemClock;
                let options = tools::import::ImportOptions {
                    dry_run: args.dry_run,
                    explain: args.explain,
                };
                let channel = ChannelId::parse(&args.channel)?;
                tools::import::import(&db, &clock, &args.file, &channel, options).await
            })),
            Err(error) => return config_failure(&error),
        },
        CliCommand::Minutes(args) => match DatabaseConfig::from_env() {
            Ok(config) => runtime.block_on(offline(config, |db| async move {
                let date = if args.last { None } else { args.date };
                tools::minutes::minutes(&db, &ChannelId::parse(&args.channel)?, date).await
            })),
            Err(error) => return config_failure(&error),
        },
        CliCommand::Backup(args) => match DatabaseConfig::from_env() {
            Ok(config) => runtime.block_on(report(database::backup::backup(&config, &args.file))),
            Err(error) => return config_failure(&error),
        },
        CliCommand::Restore(args) => match DatabaseConfig::from_env() {
            Ok(config) => runtime.block_on(report(database::backup::restore(&config, &args.file))),
            Err(error) => return config_failure(&error),
        },
        CliCommand::Challenges(args) => match DatabaseConfig::from_env() {
            Ok(config) => runtime.block_on(offline(config, |db| async move {
                tools::challenges::export(&db, &ChannelId::parse(&args.channel)?).await
            })),
            Err(error) => return config_failure(&error),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A setting found wrong only once running (a bot token Slack refuses).
        Err(error) => match error.downcast_ref::<ConfigError>() {
            Some(config) => config_failure(config),
            None => failure(&error),
        },
    }
}

/// Logs to stderr as `settings` say, filtered by `RUST_LOG`.
fn init_logs(settings: LogSettings) {
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| DEFAULT_LOG_FILTER.into()),
        );
    match settings.format {
        LogFormat::Text => logs.with_ansi(settings.colour).init(),
        // Each line carries the event's target and fields and the spans it happened in.
        LogFormat::Json => logs.json().init(),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let database = Database::open(&config.database).await?;
    let served = serve_on(config, &database).await;
    let closed = database.close().await;
    served.and(closed)
}

async fn serve_on(config: Config, database: &Database) -> anyhow::Result<()> {
    store::migrate(&database.pool).await?;
    let listeners = Listeners {
        app: listen("ARCHHOUR_ADDR", config.addr).await?,
        metrics: match config.metrics_addr {
            Some(addr) => Some(listen("ARCHHOUR_METRICS_ADDR", addr).await?),
            None => None,
        },
    };
    let services = Services {
        db: database.pool.clone(),
        clock: Arc::new(SystemClock),
    };
    crate::run(config, services, listeners, shutdown_signal()).await
}

async fn listen(name: &str, addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {name} {addr}"))
}

async fn migrate(config: DatabaseConfig) -> anyhow::Result<()> {
    let database = Database::open(&config).await?;
    let migrated = store::migrate(&database.pool).await;
    let closed = database.close().await;
    migrated?;
    closed?;
    tracing::info!("migrations are up to date");
    Ok(())
}

/// Runs an offline command on the migrated database and prints what it reports.
async fn offline<F, Fut>(config: DatabaseConfig, command: F) -> anyhow::Result<()>
where
    F: FnOnce(sqlx::PgPool) -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    let database = Database::open(&config).await?;
    let result = match store::migrate(&database.pool).await {
        Ok(()) => command(database.pool.clone()).await,
        Err(error) => Err(error),
    };
    let closed = database.close().await;
    let report = result?;
    closed?;
    print!("{report}");
    Ok(())
}

/// Prints what a command reports once it is done.
async fn report(command: impl Future<Output = anyhow::Result<String>>) -> anyhow::Result<()> {
    print!("{}", command.await?);
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        tracing::error!("cannot listen for shutdown signals; stop archhour with SIGKILL");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
    tracing::info!("shutting down");
}

fn config_failure(error: &ConfigError) -> ExitCode {
    eprintln!("archhour: {error}");
    ExitCode::from(EXIT_CONFIG)
}

fn failure(error: &anyhow::Error) -> ExitCode {
    eprintln!("archhour: {error:#}");
    ExitCode::FAILURE
}
