import Glibc
import StocktakeServer

exit(await ServerMain.run(Array(CommandLine.arguments.dropFirst())))
