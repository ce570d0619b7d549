from lawtasks.cli import main

main()
