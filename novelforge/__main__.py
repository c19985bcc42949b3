from novelforge.cli.app import main

main()
