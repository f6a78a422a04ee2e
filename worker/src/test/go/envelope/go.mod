module tokenwarden.dev/envelope

go 1.19
