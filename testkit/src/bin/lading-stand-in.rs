//! A stand-in for the `lading` binary, used only to test `LadingProcess` itself: it takes
//! `--listen ADDR`, prints a line on stdout and one on stderr, and answers `GET /api/health`.
//! `--exit-early` makes it fail at start-up, to test the panic path.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--exit-early") {
        eprintln!("stand-in: refusing to start (--exit-early)");
        std::process::exit(3);
    }
    let addr = args
        .windows(2)
        .find(|w| w[0] == "--listen")
        .map(|w| w[1].clone())
        .expect("--listen ADDR is required");
    let listener = TcpListener::bind(&addr).expect("bind --listen address");
    println!("stand-in: listening on {addr}");
    eprintln!(
        "stand-in: stderr works, STAND_IN_MARK={}",
        std::env::var("STAND_IN_MARK").unwrap_or_default()
    );
    for stream in listener.incoming().flatten() {
        let mut reader = BufReader::new(&stream);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            continue;
        }
        let (status, body) = if request_line.starts_with("GET /api/health ") {
            ("200 OK", "{\"status\":\"ok\"}")
        } else {
            ("404 Not Found", "{}")
        };
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = (&stream).write_all(response.as_bytes());
    }
}
