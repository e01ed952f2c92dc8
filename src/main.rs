//! The deskterm binary: everything lives in the library's [`deskterm::cli`].

fn main() -> std::process::ExitCode {
    deskterm::allocator::keep_resident_memory_small();
    deskterm::cli::main()
}
