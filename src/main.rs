//! The deskterm binary: everything lives in the library's [`deskterm::cli`].

fn main() -> std::process::ExitCode {
    deskterm::cli::main()
}
