//! Questions and answers in the terminal for guided entry: printing a
//! prompt (with the current value as default), reading one line, and
//! recognising the commands that work at every prompt.
//!
//! Works the same whether input is typed or piped: prompts always go to the
//! output, and colours are used only when asked for (both ends are a
//! terminal). It does not know what the fields mean.

use std::io::{self, BufRead, Write};

/// A command typed at a prompt instead of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// `rätta N`: correct row N of the sheet.
    Correct(u32),
    /// `makulera N`: void row N of the sheet.
    Void(u32),
    /// `klar`: stop.
    Done,
    /// The input ended (Ctrl-D or the end of a piped script).
    EndOfInput,
}

/// What was typed at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Text(String),
    Help,
    Command(Command),
}

/// The help text for the commands, shown with every `?`.
pub const COMMANDS_HELP: &str = "\
Kommandon som fungerar vid varje fråga:
  ?           visa hjälp
  rätta N     rätta rad N på bladet (en rättelserad läggs till; inget skrivs över)
  makulera N  makulera rad N på bladet
  klar        avsluta (sparade rader finns kvar i filen)
Vid en fråga med [värde] behåller tom inmatning värdet och - tömmer fältet.";

/// Reads answers from `input` and writes prompts and messages to `output`.
pub struct Prompter<R, W> {
    input: R,
    output: W,
    colour: bool,
    /// Input is piped: end every prompt with a line break so the output
    /// reads line by line.
    piped: bool,
}

impl<R: BufRead, W: Write> Prompter<R, W> {
    pub fn new(input: R, output: W, colour: bool, piped: bool) -> Self {
        Prompter {
            input,
            output,
            colour,
            piped,
        }
    }

    /// Asks one question and reads the answer, trimmed. Commands are
    /// recognised here; a malformed command (`rätta` without a row) is
    /// reported and the question asked again.
    ///
    /// # Errors
    ///
    /// I/O errors from reading or writing the terminal.
    pub fn ask(&mut self, question: &str, default: Option<&str>) -> io::Result<Reply> {
        loop {
            let default = default.filter(|d| !d.is_empty());
            let text = match default {
                Some(d) => format!("{question} [{d}]: "),
                None => format!("{question}: "),
            };
            let styled = self.style("1", &text);
            write!(self.output, "{styled}")?;
            if self.piped {
                writeln!(self.output)?;
            }
            self.output.flush()?;
            let mut line = String::new();
            if self.input.read_line(&mut line)? == 0 {
                if !self.piped {
                    writeln!(self.output)?;
                }
                return Ok(Reply::Command(Command::EndOfInput));
            }
            match parse_reply(line.trim()) {
                Ok(reply) => return Ok(reply),
                Err(message) => self.error(&message)?,
            }
        }
    }

    /// Prints a line of text.
    pub fn say(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.output, "{text}")
    }

    /// Prints an error about the value just typed.
    pub fn error(&mut self, text: &str) -> io::Result<()> {
        let label = self.style("31;1", "Fel:");
        writeln!(self.output, "  {label} {text}")
    }

    /// Prints a warning: the value is kept, but worth a second look.
    pub fn warning(&mut self, text: &str) -> io::Result<()> {
        let label = self.style("33;1", "Varning:");
        writeln!(self.output, "  {label} {text}")
    }

    fn style(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

/// Recognises `?`, `klar`, `rätta N` and `makulera N` (any letter case,
/// `ratta` without the ring too); anything else is a value.
fn parse_reply(text: &str) -> Result<Reply, String> {
    let lower = text.to_lowercase();
    let mut words = lower.split_whitespace();
    let first = words.next().unwrap_or("");
    let rest: Vec<&str> = words.collect();
    let row = |name: &str| match rest.as_slice() {
        [n] => n
            .parse::<u32>()
            .map_err(|_| format!("skriv «{name} N» med radens nummer, t.ex. «{name} 3»")),
        _ => Err(format!(
            "skriv «{name} N» med radens nummer, t.ex. «{name} 3»"
        )),
    };
    match first {
        "?" if rest.is_empty() => Ok(Reply::Help),
        "klar" if rest.is_empty() => Ok(Reply::Command(Command::Done)),
        "rätta" | "ratta" => row("rätta").map(|n| Reply::Command(Command::Correct(n))),
        "makulera" => row("makulera").map(|n| Reply::Command(Command::Void(n))),
        _ => Ok(Reply::Text(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompter(input: &str) -> Prompter<&[u8], Vec<u8>> {
        Prompter::new(input.as_bytes(), Vec::new(), false, true)
    }

    #[test]
    fn recognises_commands_in_any_case() {
        assert_eq!(parse_reply("?"), Ok(Reply::Help));
        assert_eq!(parse_reply("KLAR"), Ok(Reply::Command(Command::Done)));
        assert_eq!(
            parse_reply("Rätta 3"),
            Ok(Reply::Command(Command::Correct(3)))
        );
        assert_eq!(
            parse_reply("ratta 12"),
            Ok(Reply::Command(Command::Correct(12)))
        );
        assert_eq!(
            parse_reply("makulera 2"),
            Ok(Reply::Command(Command::Void(2)))
        );
        assert_eq!(parse_reply("ut"), Ok(Reply::Text("ut".into())));
        assert!(parse_reply("rätta").is_err());
        assert!(parse_reply("rätta tre").is_err());
    }

    #[test]
    fn shows_the_default_and_reads_until_the_input_ends() {
        let mut p = prompter("  10:15 \n");
        assert_eq!(
            p.ask("Klockslag", Some("09:00")).expect("answer"),
            Reply::Text("10:15".into())
        );
        assert_eq!(
            p.ask("Riktning", None).expect("end"),
            Reply::Command(Command::EndOfInput)
        );
        let out = String::from_utf8(p.output).expect("UTF-8");
        assert_eq!(out, "Klockslag [09:00]: \nRiktning: \n");
    }

    #[test]
    fn asks_again_after_a_malformed_command() {
        let mut p = prompter("rätta\nklar\n");
        assert_eq!(
            p.ask("Datum", None).expect("answer"),
            Reply::Command(Command::Done)
        );
        let out = String::from_utf8(p.output).expect("UTF-8");
        assert!(out.contains("Fel: skriv «rätta N»"), "{out}");
    }

    #[test]
    fn colours_only_when_asked() {
        let mut p = Prompter::new(&b"x\n"[..], Vec::new(), true, false);
        p.ask("Datum", None).expect("answer");
        let out = String::from_utf8(p.output).expect("UTF-8");
        assert!(out.contains("\x1b[1m"), "{out:?}");
    }
}
