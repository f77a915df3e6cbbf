//! Group commit: writers that arrive while a transaction is being written queue up, and the
//! next one to get the write turn commits all of them in one transaction.
//!
//! A database commit costs an `fsync` (and, on SQLite, the single writer's turn) whatever it
//! holds, so committing 100 enrolments at once costs little more than committing one. Each
//! caller still gets its own answer, and only after the transaction holding its work has
//! committed: nothing is acknowledged that a crash could lose.
//!
//! There is no background task: the caller that takes the turn runs the batch, inside a spawned
//! task so that a caller who stops waiting (a client hanging up) cannot cut a batch in half for
//! the others.

use std::future::Future;
use std::sync::{Arc, Mutex as SyncMutex};

use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

/// Queued jobs of type `J`, each waiting for an `R`.
pub struct GroupCommit<J, R> {
    queue: SyncMutex<Vec<(J, oneshot::Sender<R>)>>,
    turn: Arc<Mutex<()>>,
    max_batch: usize,
}

// Jobs may hold personal data: Debug shows only how many wait.
impl<J, R> std::fmt::Debug for GroupCommit<J, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let queued = self.queue.lock().map(|q| q.len()).unwrap_or(0);
        f.debug_struct("GroupCommit")
            .field("queued", &queued)
            .field("max_batch", &self.max_batch)
            .finish()
    }
}

impl<J: Send + 'static, R: Send + 'static> GroupCommit<J, R> {
    /// Batches of at most `max_batch` jobs (at least one).
    ///
    /// ```
    /// use inkan_idp::registry::batch::GroupCommit;
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let gc = std::sync::Arc::new(GroupCommit::<u32, u32>::new(64));
    /// let run = |jobs: Vec<u32>| async move { jobs.iter().map(|j| j * 2).collect::<Vec<_>>() };
    /// assert_eq!(gc.submit(21, run).await, Some(42));
    /// # });
    /// ```
    pub fn new(max_batch: usize) -> Self {
        Self {
            queue: SyncMutex::new(Vec::new()),
            turn: Arc::new(Mutex::new(())),
            max_batch: max_batch.max(1),
        }
    }

    /// Queues `job` and waits for its result. Each time this caller gets the turn while its
    /// job is still queued, it runs `run` over the oldest queued jobs (up to the batch size);
    /// `run` must return one result per job, in order. `None` when the batch holding the job failed to produce its result (the
    /// runner panicked or returned too few results).
    pub async fn submit<F, Fut>(&self, job: J, mut run: F) -> Option<R>
    where
        F: FnMut(Vec<J>) -> Fut,
        Fut: Future<Output = Vec<R>> + Send + 'static,
    {
        let (tx, mut rx) = oneshot::channel();
        self.lock_queue().push((job, tx));
        loop {
            let turn = self.turn.clone().lock_owned().await;
            match rx.try_recv() {
                Ok(r) => return Some(r),
                Err(oneshot::error::TryRecvError::Closed) => return None,
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            // Not done, so still queued (perhaps behind a full batch): run the next batch.
            let (jobs, senders): (Vec<J>, Vec<_>) = self.take_batch().into_iter().unzip();
            // A panicking runner drops the senders, which `try_recv` then reports as closed.
            let _ = tokio::spawn(finish(run(jobs), senders, turn)).await;
        }
    }

    fn take_batch(&self) -> Vec<(J, oneshot::Sender<R>)> {
        let mut q = self.lock_queue();
        let n = q.len().min(self.max_batch);
        q.drain(..n).collect()
    }

    fn lock_queue(&self) -> std::sync::MutexGuard<'_, Vec<(J, oneshot::Sender<R>)>> {
        // A poisoned queue only means a panic while pushing or draining a Vec; its contents
        // are still whole.
        self.queue.lock().unwrap_or_else(|p| p.into_inner())
    }
}

async fn finish<R, Fut>(batch: Fut, senders: Vec<oneshot::Sender<R>>, turn: OwnedMutexGuard<()>)
where
    Fut: Future<Output = Vec<R>>,
{
    let results = batch.await;
    for (tx, r) in senders.into_iter().zip(results) {
        // The caller may have stopped waiting; its work is committed all the same.
        let _ = tx.send(r);
    }
    // Only now may the next caller look at its receiver: every result of this batch is in.
    drop(turn);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_job_gets_its_own_result_and_batches_form() {
        let gc = Arc::new(GroupCommit::<usize, usize>::new(16));
        let batches = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..200 {
            let (gc, batches) = (gc.clone(), batches.clone());
            tasks.push(tokio::spawn(async move {
                gc.submit(i, move |jobs| {
                    let batches = batches.clone();
                    async move {
                        batches.fetch_add(1, Ordering::SeqCst);
                        assert!(jobs.len() <= 16);
                        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
                        jobs.iter().map(|j| j + 1000).collect()
                    }
                })
                .await
            }));
        }
        for (i, t) in tasks.into_iter().enumerate() {
            assert_eq!(t.await.unwrap(), Some(i + 1000));
        }
        let n = batches.load(Ordering::SeqCst);
        assert!(n < 200, "no batching happened: {n} batches for 200 jobs");
    }

    #[tokio::test]
    async fn a_failed_batch_reports_none_and_the_next_batch_runs() {
        let gc = GroupCommit::<u8, u8>::new(4);
        let short = |_jobs: Vec<u8>| async move { Vec::new() };
        assert_eq!(gc.submit(1, short).await, None);
        let ok = |jobs: Vec<u8>| async move { jobs };
        assert_eq!(gc.submit(2, ok).await, Some(2));
    }

    #[tokio::test]
    async fn a_caller_that_stops_waiting_does_not_cut_the_batch() {
        let gc = Arc::new(GroupCommit::<u8, u8>::new(4));
        let done = Arc::new(AtomicUsize::new(0));
        let d = done.clone();
        let slow = move |jobs: Vec<u8>| {
            let d = d.clone();
            async move {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                d.fetch_add(1, Ordering::SeqCst);
                jobs
            }
        };
        let fut = gc.submit(1, slow);
        // Give up after the batch has started.
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(10), fut)
                .await
                .is_err()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        assert_eq!(done.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_job_queued_behind_an_orphan_still_runs() {
        let gc = Arc::new(GroupCommit::<u8, u8>::new(1));
        let held = gc.turn.clone().lock_owned().await;
        let orphan = {
            let gc = gc.clone();
            tokio::spawn(async move { gc.submit(1, |jobs| async move { jobs }).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        orphan.abort();
        let _ = orphan.await;
        assert_eq!(gc.lock_queue().len(), 1, "the aborted caller's job stays queued");
        let waiter = {
            let gc = gc.clone();
            tokio::spawn(async move { gc.submit(2, |jobs| async move { jobs }).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        drop(held);
        assert_eq!(waiter.await.unwrap(), Some(2));
    }
}
