package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/mobidesk/mobidesk/internal/app"
	"github.com/mobidesk/mobidesk/internal/domain"
)

// BulkWalletArgs asks for a started bulk wallet batch to be applied, as
// the operator who started it.
type BulkWalletArgs struct {
	BatchID    string `json:"batch_id" river:"unique"`
	OperatorID string `json:"operator_id"`
	Email      string `json:"email"`
	RequestID  string `json:"request_id"`
}

// Kind names the job in the queue.
func (BulkWalletArgs) Kind() string { return "bulk_wallet" }

// BulkWalletWorker applies batches chunk by chunk. A retry after a crash
// resumes at the first row not yet applied; rows never apply twice.
type BulkWalletWorker struct {
	river.WorkerDefaults[BulkWalletArgs]
	App *app.App
}

// Work applies one batch.
func (w *BulkWalletWorker) Work(ctx context.Context, job *river.Job[BulkWalletArgs]) error {
	a := job.Args
	actor := domain.Actor{RequestID: a.RequestID, Principal: &domain.Principal{OperatorID: a.OperatorID, Email: a.Email}}
	return w.App.BulkWalletRun(ctx, actor, a.BatchID)
}

// EnqueueBulkWallet queues a batch; one job per batch at a time.
func (r *Runner) EnqueueBulkWallet(ctx context.Context, batchID string, actor domain.Actor) error {
	args := BulkWalletArgs{BatchID: batchID, RequestID: actor.RequestID}
	if p := actor.Principal; p != nil {
		args.OperatorID, args.Email = p.OperatorID, p.Email
	}
	return r.Insert(ctx, args, &river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}})
}
