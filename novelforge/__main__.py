from novelforge.cli.entry import main

main()
