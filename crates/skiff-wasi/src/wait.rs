//! Waiting in the host without outliving the store's epoch deadline.
//!
//! A guest blocked in a WASI call (a long sleep in `poll_oneoff`, a read
//! from a pipe that stays silent, an `accept` nobody connects to) runs no
//! wasm, so the checks compiled into its code never see the deadline pass.
//! When the store has one ([`skiff::Caller::epoch_deadline`]), every wait
//! that may block goes through here: it waits in slices of [`SLICE`] and
//! ends the guest with [`skiff::Trap::Interrupt`] once the deadline is
//! reached, so `-W timeout=` and an embedder's epoch interruption stop it
//! within a slice. Without a deadline the host blocks as it always would.
//!
//! Streams backed by an embedder's reader or writer cannot be waited on,
//! so a deadline cannot cut a blocking `Read` short: such readers should
//! not block for long.

use crate::error::{Error, Result};
use rustix::event::{PollFd, PollFlags, Timespec};
use skiff::EpochDeadline;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

/// How long a wait with a deadline sleeps before it looks at the epoch
/// again: the most a deadline can be overshot while the guest waits.
pub(crate) const SLICE: Duration = Duration::from_millis(10);

/// The error that ends a guest whose deadline passed while it waited.
pub(crate) fn interrupted() -> Error {
    Error::Unwind(skiff::Trap::Interrupt.into())
}

fn timespec(d: Duration) -> Timespec {
    Timespec { tv_sec: d.as_secs().min(i64::MAX as u64) as i64, tv_nsec: d.subsec_nanos() as _ }
}

/// Polls `fds` until at least one is ready (the count is returned) or
/// `timeout` has passed (0 is returned; `None` waits without limit).
pub(crate) fn poll(
    fds: &mut [PollFd<'_>],
    timeout: Option<Duration>,
    deadline: Option<&EpochDeadline>,
) -> Result<usize> {
    let Some(deadline) = deadline else {
        let ts = timeout.map(timespec);
        return Ok(crate::fd::retry(|| rustix::event::poll(fds, ts.as_ref()))?);
    };
    let start = Instant::now();
    loop {
        if deadline.reached() {
            return Err(interrupted());
        }
        let left = timeout.map(|t| t.saturating_sub(start.elapsed()));
        let slice = left.map_or(SLICE, |left| left.min(SLICE));
        let ready = crate::fd::retry(|| rustix::event::poll(fds, Some(&timespec(slice))))?;
        if ready > 0 || left.is_some_and(|left| left <= slice) {
            return Ok(ready);
        }
    }
}

/// Before an operation on `fd` that would block until `events`, waits for
/// them while watching the deadline. Returns at once without a deadline
/// (the operation then blocks as usual) and for a descriptor in
/// non-blocking mode (the operation then fails with `EAGAIN` as asked).
pub(crate) fn until_ready(fd: BorrowedFd<'_>, events: PollFlags, deadline: Option<&EpochDeadline>) -> Result<()> {
    if deadline.is_none() || rustix::fs::fcntl_getfl(fd)?.contains(rustix::fs::OFlags::NONBLOCK) {
        return Ok(());
    }
    poll(&mut [PollFd::from_borrowed_fd(fd, events)], None, deadline)?;
    Ok(())
}
