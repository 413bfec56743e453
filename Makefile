.PHONY: help run test lint ci

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-6s %s\n", $$1, $$2}'

run: ## serve the dashboard and API with demo data on SQLite
	go run ./cmd/mobidesk serve --demo

test: ## run the tests (PostgreSQL too when it answers)
	go test ./...

lint: ## go vet and gofmt
	go vet ./...
	@test -z "$$(gofmt -l .)" || (gofmt -l . && exit 1)

ci: ## what CI runs on a clean machine
	.ci/run
