import StocktakeCLI

StocktakeCommand.main()
