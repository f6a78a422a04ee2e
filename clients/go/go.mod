module tokenwarden.dev/gateway

go 1.19

// The version Debian bookworm packages (golang-github-shopify-sarama-dev), which the tests run against offline.
// With a module proxy, `go mod tidy` fills in go.sum and the indirect requirements.
require github.com/Shopify/sarama v1.22.1
