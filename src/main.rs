//! The `archhour` binary: everything it does is [`archhour::entry::main`].

fn main() -> std::process::ExitCode {
    archhour::entry::main()
}
