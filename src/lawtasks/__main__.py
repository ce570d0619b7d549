from lawtasks.entry import main

main()
